"""The pilot part of the daily sweep: due and overdue reminders, escalated step by step, and
planned pilots that reach their start date. The reminders are read in bulk, a range of pilots
at a time (a chunk of the sweep): a few queries for the range, none per item."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from pilots.models import CorrectiveAction, Pilot, ProgressReport
from portal.models import RoleAssignment, User
from portal.reminders import Ids, Reminder, chunked, within
from portal.rules import rule
from portal.workdays import add_working_days, is_working_day, working_days_between


def _heads(units: set[int]) -> dict[int, User]:
    return {
        assignment.unit_id: assignment.user
        for assignment in RoleAssignment.objects.current()
        .filter(role=RoleAssignment.Role.HEAD, unit_id__in=units, user__is_active=True)
        .select_related("user")
    }


def _overdue_chain(
    pilot: Pilot, due: datetime.date, day: datetime.date, heads: dict[int, User]
) -> list[User]:
    """Overdue: the head of the approving unit; long overdue: its parent unit's head as well."""
    reviewer = pilot.directing_unit
    chain = [heads.get(reviewer.pk)]
    if working_days_between(due, day) > rule("pilot_escalate_after_working_days") and reviewer.parent_id:
        chain.append(heads.get(reviewer.parent_id))
    return [person for person in chain if person is not None]


def _context(pilot: Pilot, **extra) -> dict:
    return {"pilot": pilot, "url": pilot.get_absolute_url(), "template": "pilot_reminder", **extra}


@chunked(Pilot)
def pilot_reminders(day: datetime.date, ids: Ids | None = None) -> Iterator[Reminder]:
    """The reminders of the pilots whose ids are `ids` (all pilots: None)."""
    if not is_working_day(day):
        return
    soon = add_working_days(day, rule("pilot_due_soon_working_days"))
    reports = within(
        ProgressReport.objects.filter(
            pilot__status=Pilot.Status.ACTIVE,
            status__in=[ProgressReport.Status.DUE, ProgressReport.Status.CORRECTION],
            due_date__lte=soon,
        )
        .exclude(due_date__gte=day, due_date__lt=soon)
        .select_related("pilot__directing_unit", "pilot__proposal")
        .prefetch_related("pilot__implementers"),
        "pilot_id",
        ids,
    )
    pilots = within(
        Pilot.objects.filter(
            status__in=[Pilot.Status.COMPLETED, Pilot.Status.TERMINATED, Pilot.Status.UNDER_EVALUATION]
        )
        .select_related("directing_unit", "proposal")
        .prefetch_related("implementers"),
        "pk",
        ids,
    )
    actions = within(
        CorrectiveAction.objects.filter(closed_on__isnull=True, due_date__lte=day)
        .select_related(
            "inspection__inspector", "inspection__pilot__directing_unit", "inspection__pilot__proposal"
        )
        .prefetch_related("inspection__pilot__implementers"),
        "inspection__pilot_id",
        ids,
    )
    reports, pilots, actions = list(reports), list(pilots), list(actions)
    all_pilots = [r.pilot for r in reports] + pilots + [a.inspection.pilot for a in actions]
    units = {p.directing_unit_id for p in all_pilots} | {
        p.directing_unit.parent_id for p in all_pilots if p.directing_unit.parent_id
    }
    heads = _heads(units)

    for report in reports:
        context = _context(report.pilot, report=report)
        if report.due_date == soon:
            for person in report.pilot.implementers.all():
                yield Reminder(person, "pilot_report_due_soon", report, context)
            continue
        for person in report.pilot.implementers.all():
            yield Reminder(person, "pilot_report_overdue", report, context)
        for person in _overdue_chain(report.pilot, report.due_date, day, heads):
            yield Reminder(person, "pilot_report_overdue_escalation", report, context)

    for pilot in pilots:
        context = _context(pilot)
        if pilot.status == Pilot.Status.UNDER_EVALUATION:
            due, kind, owners = (
                pilot.evaluation_due,
                "pilot_evaluation",
                [heads.get(pilot.directing_unit_id)],
            )
        else:
            due, kind, owners = (
                pilot.results_report_due,
                "pilot_results_report",
                list(pilot.implementers.all()),
            )
        if due is None or due > day:
            continue
        if due == day:
            for person in filter(None, owners):
                yield Reminder(person, f"{kind}_due", pilot, context)
            continue
        for person in filter(None, owners):
            yield Reminder(person, f"{kind}_overdue", pilot, context)
        for person in _overdue_chain(pilot, due, day, heads):
            if person not in owners:
                yield Reminder(person, f"{kind}_overdue_escalation", pilot, context)

    for action in actions:
        pilot = action.inspection.pilot
        context = _context(pilot, action=action)
        kind = "pilot_action_due" if action.due_date == day else "pilot_action_overdue"
        recipients = [*pilot.implementers.all(), action.inspection.inspector]
        if kind == "pilot_action_overdue":
            recipients += _overdue_chain(pilot, action.due_date, day, heads)
        for person in {p.pk: p for p in recipients}.values():
            yield Reminder(person, kind, action, context)


def start_due_pilots(day: datetime.date) -> int:
    """Planned pilots whose start date has come become active."""
    from pilots import services

    started = 0
    for pilot in Pilot.objects.filter(status=Pilot.Status.PLANNED, start_date__lte=day).select_related(
        "created_by"
    ):
        started += (
            services.pilot_start(pilot=pilot, actor=pilot.created_by, day=day).status == Pilot.Status.ACTIVE
        )
    return started
