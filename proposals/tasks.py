"""Reminders about proposal decisions, fed to the daily due sweep (portal.reminders)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from portal.models import RoleAssignment
from portal.reminders import Ids, Reminder, chunked, within
from portal.rules import rule
from portal.workdays import add_working_days, is_working_day
from proposals.models import Proposal


@chunked(Proposal, ids_per_chunk=50_000)  # a few in a hundred are waiting for a decision
def decision_reminders(day: datetime.date, ids: Ids | None = None) -> Iterator[Reminder]:
    """2 working days before a decision is due: the reviewing head. Once it is overdue: the head
    and the parent unit's head, on every working day until the decision (Art. 6: no shirking).
    The proposals whose ids are `ids` (all: None)."""
    if not is_working_day(day):
        return
    due_soon = add_working_days(day, rule("proposal_due_soon_working_days"))
    pending = list(
        within(
            Proposal.objects.filter(status=Proposal.Status.SUBMITTED, decision_due__lte=due_soon)
            .exclude(decision_due__gte=day, decision_due__lt=due_soon)
            .select_related("reviewer_unit", "author"),
            "pk",
            ids,
        )
    )
    if not pending:
        return
    units = {p.reviewer_unit_id for p in pending} | {
        p.reviewer_unit.parent_id for p in pending if p.reviewer_unit.parent_id
    }
    heads = {
        assignment.unit_id: assignment.user
        for assignment in RoleAssignment.objects.current()
        .filter(role=RoleAssignment.Role.HEAD, unit_id__in=units, user__is_active=True)
        .select_related("user")
    }
    for proposal in pending:
        head = heads.get(proposal.reviewer_unit_id)
        context = {"proposal": proposal}
        if proposal.decision_due == due_soon:
            if head:
                yield Reminder(head, "proposal_due_soon", proposal, context)
            continue
        if head:
            yield Reminder(head, "proposal_overdue", proposal, context)
        parent_head = heads.get(proposal.reviewer_unit.parent_id)
        if parent_head and parent_head != head:
            yield Reminder(parent_head, "proposal_overdue_escalation", proposal, context)
