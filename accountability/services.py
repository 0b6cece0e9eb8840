"""Accountability services. For now: the outcome case that an evaluation other than
`completed` opens (Art. 11); determination, relief and referral come with their issue."""

from __future__ import annotations

from django.db import transaction

from accountability.models import Case
from portal.models import User


@transaction.atomic
def case_open_for_outcome(*, actor: User, pilot) -> Case:
    """Open the outcome case for an evaluated pilot; a second call returns the same case."""
    existing = Case.objects.select_for_update().filter(pilot=pilot, kind=Case.Kind.OUTCOME).first()
    if existing:
        return existing
    case = Case(
        pilot=pilot,
        proposal=pilot.proposal,
        unit=pilot.proposal.reviewer_unit,
        kind=Case.Kind.OUTCOME,
        subject=pilot.proposal.author,
        opened_by=actor,
        summary=f"{pilot.get_outcome_display()}",
    )
    case._change_reason = f"opened by the evaluation of pilot {pilot.pk}"
    case.save()
    return case
