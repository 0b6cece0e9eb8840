from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Organisation and people")

    def ready(self) -> None:
        from portal import tokens, vendor_labels, voting  # noqa: F401  (a vote's note; tokens end with the password)

        vendor_labels.apply()
