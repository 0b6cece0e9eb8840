from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "accountability"
    verbose_name = _("Accountability and recognition")

    def ready(self) -> None:
        from accountability.tasks import case_reminders
        from portal import reminders

        reminders.register(case_reminders)
