from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotsConfig(AppConfig):
    name = "pilots"
    verbose_name = _("Pilots and implementation")

    def ready(self) -> None:
        from pilots.tasks import pilot_reminders, start_due_pilots
        from pilots.views import work_sections
        from portal import reminders, work

        reminders.register_job(start_due_pilots)
        reminders.register(pilot_reminders)
        for section in work_sections:
            work.register(section)
