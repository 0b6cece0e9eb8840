from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Innovation proposals")

    def ready(self) -> None:
        from portal import people, reminders, work
        from proposals import permissions
        from proposals.tasks import decision_reminders
        from proposals.views import work_sections

        reminders.register(decision_reminders)
        _cover()
        people.register("co-implementers", permissions.co_implementer_candidates)
        for section in work_sections:
            work.register(section)


def _cover() -> None:
    """The proposal's history and transitions open its dossier's audit chain (portal.audit)."""
    from portal import audit
    from proposals.models import Proposal, ProposalTransition

    audit.cover(Proposal.history.model, "id")
    audit.cover(ProposalTransition, "proposal_id")
