"""Periodic reminders and the monthly digest, fed to the daily due sweep (portal.reminders), so
each goes once per person, kind and day (a ReminderLog row):

- before each reporting date (30 June: the 6-monthly report; 31 December: the annual one), 10 and
  3 working days ahead (product rules), every head and Organisation Committee member is reminded
  of the report to freeze and the review (sơ kết / tổng kết) to record for their scope; on the
  first working day after the date, those whose report or review is still missing are reminded
  again;
- on the first working day of each month, every Organisation Committee member gets the last
  month's headline figures for their scope.

Both read the people in bulk, a range of role assignments at a time (a chunk of the sweep).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from celery import shared_task

from monitoring.models import PeriodicReview, ReportSnapshot
from portal.models import RoleAssignment
from portal.reminders import Ids, Reminder, chunked, within
from portal.routers import reading_reports
from portal.rules import rule
from portal.workdays import add_working_days, is_working_day, working_days_between


def reporting_dates(day: datetime.date) -> list[tuple[datetime.date, str]]:
    """The reporting dates near `day`, each with the period it closes."""
    year = day.year
    return [
        (datetime.date(year, 6, 30), f"{year}-H1"),
        (datetime.date(year, 12, 31), f"{year}"),
        (datetime.date(year - 1, 12, 31), f"{year - 1}"),
    ]


def _people(ids: Ids | None = None):
    """(person, role, unit) for every current head and Organisation Committee member."""
    assignments = within(
        RoleAssignment.objects.current().filter(role__in=["head", "orgcom"]).select_related("user", "unit"),
        "pk",
        ids,
    )
    return [(a.user, a.role, a.unit) for a in assignments if a.user.is_active and a.unit_id]


def _done(people, period: str, start: datetime.date, end: datetime.date) -> set[tuple[str, int]]:
    """(role, unit) of those whose report is frozen (orgcom) or whose review is recorded (head)."""
    units = {unit.pk for _person, _role, unit in people}
    frozen = ReportSnapshot.objects.filter(unit_id__in=units, period__in=[period, f"{end.year}-H2"])
    reviewed = PeriodicReview.objects.filter(unit_id__in=units, period_end__gte=start, period_start__lte=end)
    return {("orgcom", pk) for pk in frozen.values_list("unit_id", flat=True)} | {
        ("head", pk) for pk in reviewed.values_list("unit_id", flat=True)
    }


@chunked(RoleAssignment)
def periodic_reminders(day: datetime.date, ids: Ids | None = None) -> Iterator[Reminder]:
    if not is_working_day(day):
        return
    leads = (rule("periodic_first_reminder_working_days"), rule("periodic_second_reminder_working_days"))
    for deadline, period in reporting_dates(day):
        start = datetime.date(deadline.year, 1, 1)
        ahead = working_days_between(day, deadline) if day <= deadline else None
        late = day > deadline and working_days_between(deadline, day) == 1
        if ahead not in leads and not late:
            continue
        kind = "periodic_report_late" if late else "periodic_report_due"
        people = _people(ids)
        done = _done(people, period, start, deadline) if late else set()
        for person, role, unit in people:
            if (role, unit.pk) in done:
                continue
            context = {"template": "periodic_reminder", "unit": unit, "period": period, "deadline": deadline,
                       "late": late, "role": role}  # fmt: skip
            yield Reminder(person, kind, unit, context)


@chunked(RoleAssignment)
def monthly_digest(day: datetime.date, ids: Ids | None = None) -> Iterator[Reminder]:
    """On the first working day of a month, last month's headline figures to every Organisation
    Committee member, for the unit they cover."""
    first = day.replace(day=1)
    if not is_working_day(day) or day != (first if is_working_day(first) else add_working_days(first, 1)):
        return
    from monitoring.summary import summary

    end = first - datetime.timedelta(days=1)
    start = end.replace(day=1)
    for person, role, unit in _people(ids):
        if role != "orgcom":
            continue
        with reading_reports():
            figures = summary(person, unit, start, end)
        url = f"/reports/?unit={unit.code}&period=custom&from={start:%d/%m/%Y}&to={end:%d/%m/%Y}"
        context = {"template": "monthly_digest", "unit": unit, "figures": figures, "start": start, "end": end,
                   "url": url}  # fmt: skip
        yield Reminder(person, "monthly_digest", unit, context)


@shared_task(name="monitoring.tasks.build_export")
def build_export(job_id: int) -> None:
    from monitoring.services import export_build

    # The figures are read from the report replica when there is one; the job's own row is
    # taken and saved inside transactions, which stay on the primary (portal/routers.py).
    with reading_reports():
        export_build(job_id)


@shared_task(name="monitoring.tasks.purge_exports")
def purge_exports() -> int:
    from monitoring.services import exports_purge

    return exports_purge()


@shared_task(name="monitoring.tasks.requeue_exports")
def requeue_exports() -> int:
    from monitoring.services import exports_requeue

    return exports_requeue()
