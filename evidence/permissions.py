"""Who may have the evidence of a proposal: whoever may see the proposal (CONTRACT, Evidence) —
through the proposals' gate, so the rules stay in one place."""

from __future__ import annotations

from portal.models import User
from proposals.models import Proposal
from proposals.permissions import get_proposal_for

__all__ = ["get_proposal_for", "may_see"]


def may_see(user: User, proposal: Proposal) -> bool:
    return Proposal.objects.visible_to(user).filter(pk=proposal.pk).exists()
