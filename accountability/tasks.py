"""Reminders about accountability deadlines, fed to the daily due sweep (portal.reminders):
the determination within 15 working days of the case opening, relief or the referral's outcome
within 15 of the determination (product rules). Overdue, the person who must act is reminded on
each working day and the head of the unit above them as well (Art. 6: no shirking)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from accountability.models import Case
from portal.models import Unit, User
from portal.reminders import Ids, Reminder, chunked, heads_of, within
from portal.workdays import is_working_day


class _Acting:
    """`permissions.acting_unit` and `permissions.next_actor` answered from the units' parents and
    heads read once for a chunk of cases (the same rules; tests/accountability/test_reminders.py
    compares the two on every state) instead of a query or more per case."""

    def __init__(self, cases: list[Case]) -> None:
        self.parents = dict(Unit.objects.values_list("pk", "parent_id"))
        chain: set[int] = set()  # every unit at or above a case's unit or its approving unit
        for case in cases:
            for unit in (case.proposal.reviewer_unit_id, case.unit_id):
                while unit is not None and unit not in chain:
                    chain.add(unit)
                    unit = self.parents.get(unit)
        self.heads = heads_of(chain)

    def unit_id(self, case: Case) -> int:
        if case.status == Case.Status.OPEN or (case.status == Case.Status.REFERRED and case.is_confidential):
            if case.kind != Case.Kind.OUTCOME:
                return case.unit.parent_id or case.unit_id
            # first_unit_not_headed_by: nobody determines a case about themselves
            unit = case.proposal.reviewer_unit_id
            while self.parents.get(unit) is not None:
                head = self.heads.get(unit)
                if head is None or head.pk != case.subject_id:
                    break
                unit = self.parents[unit]
            return unit
        reviewer = case.proposal.reviewer_unit
        return reviewer.parent_id or reviewer.pk

    def next_actor(self, case: Case) -> User | None:
        if case.status not in (Case.Status.OPEN, Case.Status.RELIEF_RECOMMENDED, Case.Status.REFERRED):
            return None
        if case.status == Case.Status.REFERRED and case.is_confidential:
            person = case.determined_by
        else:
            person = self.heads.get(self.unit_id(case))
        return person if person is not None and person.is_active and person.pk != case.subject_id else None


@chunked(Case)
def case_reminders(day: datetime.date, ids: Ids | None = None) -> Iterator[Reminder]:
    if not is_working_day(day):
        return
    related = ("unit__parent", "proposal__reviewer_unit__parent", "subject", "determined_by")
    cases = list(
        within(
            Case.objects.filter(status=Case.Status.OPEN, determination_due__lt=day), "pk", ids
        ).select_related(*related)
    ) + list(
        within(
            Case.objects.filter(
                status__in=[Case.Status.RELIEF_RECOMMENDED, Case.Status.REFERRED], decision_due__lt=day
            ),
            "pk",
            ids,
        ).select_related(*related)
    )
    acting = _Acting(cases)
    for case in cases:
        context = {"case": case, "template": "case_reminder"}
        actor = acting.next_actor(case)
        if actor is not None:
            yield Reminder(actor, "case_overdue", case, context)
        parent_id = acting.parents.get(acting.unit_id(case))
        above = acting.heads.get(parent_id) if parent_id else None
        if (
            above is not None
            and above.is_active
            and above.pk not in (getattr(actor, "pk", None), case.subject_id)
        ):
            yield Reminder(above, "case_overdue_escalation", case, context)
