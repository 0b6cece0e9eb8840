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
        _follow()
        people.register("co-implementers", permissions.co_implementer_candidates)
        for section in work_sections:
            work.register(section)


def _cover() -> None:
    """The proposal's history and transitions open its dossier's audit chain (portal.audit)."""
    from portal import audit
    from proposals.models import Proposal, ProposalTransition

    audit.cover(Proposal.history.model, "id")
    audit.cover(ProposalTransition, "proposal_id")


def _follow() -> None:
    """A proposal not yet decided, or approved with no pilot set up yet, moves with its unit when
    the organisation changes (portal.successors); a decided one keeps the unit it was decided in."""
    from django.db.models import Q

    from portal import successors
    from proposals.models import Proposal
    from proposals.permissions import involved_in

    def still_open() -> Q:
        waiting = Q(status__in=("draft", "submitted", "returned"))
        return waiting | Q(status__in=("approved", "approved_by_head"), pilot__isnull=True)

    successors.follow(
        Proposal, fields=("unit", "reviewer_unit"), still_open=still_open, person="author_id",
        involved=involved_in, prefetch=("co_implementers",),
    )  # fmt: skip
