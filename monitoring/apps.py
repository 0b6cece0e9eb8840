from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Monitoring and urging")

    def ready(self) -> None:
        from monitoring.tasks import monthly_digest, periodic_reminders
        from monitoring.views import work_sections
        from portal import reminders, work

        reminders.register(periodic_reminders)
        reminders.register(monthly_digest)
        _follow()
        for section in work_sections:
            work.register(section)


def _follow() -> None:
    """An urging not yet answered waits for the successor unit's head."""
    from django.db.models import Q

    from monitoring.models import Urging
    from portal import successors

    successors.follow(Urging, fields=("unit",), still_open=lambda: Q(status="sent"), person="")
