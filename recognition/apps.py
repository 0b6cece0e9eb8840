from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecognitionConfig(AppConfig):
    name = "recognition"
    verbose_name = _("Recognition")

    def ready(self) -> None:
        from pilots.models import Pilot
        from portal import audit
        from recognition.models import Reward

        # a reward's history joins its pilot's proposal's audit chain (portal.audit)
        audit.cover(Reward.history.model, "pilot_id", Pilot, "proposal_id")
