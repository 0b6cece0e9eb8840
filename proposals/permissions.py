"""Who may see and do what with a proposal. Every view, file download and API action loads
proposals through `get_proposal_for` (404 for what the user may not see)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from portal import people
from portal.memo import once
from portal.models import RoleAssignment, User
from portal.permissions import has_role, load_visible
from proposals.models import Proposal, ProposalAttachment


def get_proposal_for(user: User, pk: int) -> Proposal:
    queryset = Proposal.objects.visible_to(user).select_related(
        "author", "unit", "reviewer_unit", "decided_by"
    )
    return load_visible(user, queryset, pk=pk)


def get_attachment_for(user: User, proposal_pk: int, pk: int) -> ProposalAttachment:
    proposal = get_proposal_for(user, proposal_pk)
    return load_visible(user, proposal.attachments.all(), pk=pk)


def is_author(user: User, proposal: Proposal) -> bool:
    return proposal.author_id == user.pk


def is_co_implementer(user: User, proposal: Proposal) -> bool:
    return once(("co_implementer", proposal.pk, user.pk), proposal.co_implementers.filter(pk=user.pk).exists)


def involved_in(proposal: Proposal) -> set[int]:
    """The author and the co-implementers (prefetched): nobody reviews their own proposal."""
    return {proposal.author_id, *(person.pk for person in proposal.co_implementers.all())}


def is_reviewing_head(user: User, proposal: Proposal) -> bool:
    """The head of the reviewing unit decides — never on a proposal they wrote or carry out."""
    return (
        has_role(user, RoleAssignment.Role.HEAD, proposal.reviewer_unit)
        and not is_author(user, proposal)
        and not is_co_implementer(user, proposal)
    )


def can_create(user: User) -> bool:
    return user.is_authenticated and user.unit_id is not None and user.unit.is_open


def can_edit(user: User, proposal: Proposal) -> bool:
    return is_author(user, proposal)


def can_attach(user: User, proposal: Proposal) -> bool:
    return is_author(user, proposal) or is_co_implementer(user, proposal)


def can_review(user: User, proposal: Proposal) -> bool:
    return is_reviewing_head(user, proposal)


def co_implementer_candidates(user: User, pk: int) -> QuerySet[User]:
    """Whom the author may add to a draft or returned proposal: the active people of the
    proposal's unit and of the units beside it (the parent unit's subtree), but themselves and
    those already added."""
    proposal = get_proposal_for(user, pk)
    if not (can_edit(user, proposal) and proposal.status in Proposal.EDITABLE_STATES):
        raise PermissionDenied
    added = proposal.co_implementers.values("pk")
    return people.active_in(proposal.unit.parent or proposal.unit).exclude(pk=user.pk).exclude(pk__in=added)
