from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Support for pilots")

    def ready(self) -> None:
        from portal import reminders, work
        from support.tasks import obstacle_reminders
        from support.views import work_sections

        reminders.register(obstacle_reminders)
        for section in work_sections:
            work.register(section)
