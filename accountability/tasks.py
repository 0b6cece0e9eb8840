"""Reminders about accountability deadlines, fed to the daily due sweep (portal.reminders):
the determination within 15 working days of the case opening, relief or the referral's outcome
within 15 of the determination (product rules). Overdue, the person who must act is reminded on
each working day and the head of the unit above them as well (Art. 6: no shirking)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from accountability import permissions
from accountability.models import Case
from portal.models import RoleAssignment
from portal.reminders import Reminder
from portal.workdays import is_working_day


def case_reminders(day: datetime.date) -> Iterator[Reminder]:
    if not is_working_day(day):
        return
    cases = list(
        Case.objects.filter(status=Case.Status.OPEN, determination_due__lt=day).select_related(
            "unit__parent", "proposal__reviewer_unit__parent", "subject", "determined_by"
        )
    ) + list(
        Case.objects.filter(
            status__in=[Case.Status.RELIEF_RECOMMENDED, Case.Status.REFERRED], decision_due__lt=day
        ).select_related("unit__parent", "proposal__reviewer_unit__parent", "subject", "determined_by")
    )
    for case in cases:
        context = {"case": case, "template": "case_reminder"}
        actor = permissions.next_actor(case)
        if actor is not None:
            yield Reminder(actor, "case_overdue", case, context)
        unit = permissions.acting_unit(case)
        above = RoleAssignment.objects.head_of(unit.parent) if unit.parent_id else None
        if (
            above is not None
            and above.is_active
            and above.pk not in (getattr(actor, "pk", None), case.subject_id)
        ):
            yield Reminder(above, "case_overdue_escalation", case, context)
