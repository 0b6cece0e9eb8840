from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "accountability"
    verbose_name = _("Accountability and recognition")

    def ready(self) -> None:
        from accountability.tasks import case_reminders
        from accountability.views import work_sections
        from portal import reminders, work

        reminders.register(case_reminders)
        for section in work_sections:
            work.register(section)
