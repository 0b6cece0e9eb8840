from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Organisation and people")

    def ready(self) -> None:
        from portal import voting  # noqa: F401  (registers how a vote's note reads)
