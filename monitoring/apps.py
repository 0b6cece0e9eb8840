from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Monitoring and urging")

    def ready(self) -> None:
        from monitoring.views import work_sections
        from portal import work

        for section in work_sections:
            work.register(section)
