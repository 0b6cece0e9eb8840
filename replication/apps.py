from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReplicationConfig(AppConfig):
    name = "replication"
    verbose_name = _("Replication and institutionalisation")

    def ready(self) -> None:
        from pilots.models import Pilot
        from portal import audit
        from replication.models import InnovationModel, Institutionalisation, InstitutionalisationTransition

        # a model's history, and its institutionalisation's, join the original proposal's audit chain
        audit.cover(InnovationModel.history.model, "pilot_id", Pilot, "proposal_id")
        audit.cover(Institutionalisation.history.model, "model_id", InnovationModel, "pilot__proposal_id")
        audit.cover(
            InstitutionalisationTransition,
            "institutionalisation_id",
            Institutionalisation,
            "model__pilot__proposal_id",
        )
