from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Innovation proposals")

    def ready(self) -> None:
        from portal import reminders, work
        from proposals.tasks import decision_reminders
        from proposals.views import work_sections

        reminders.register(decision_reminders)
        for section in work_sections:
            work.register(section)
