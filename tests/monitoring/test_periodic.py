"""Periodic reminders (30 June, 31 December; 10 and 3 working days before; again when late) and the
monthly digest, each sent once per person, kind and day — time-travel tests of the due sweep."""

from __future__ import annotations

import datetime

from portal import reminders
from portal.models import Notification
from portal.workdays import add_working_days, is_working_day

DEADLINE = datetime.date(2027, 6, 30)


def kinds(user, kind: str) -> int:
    return Notification.objects.filter(recipient=user, kind=kind).count()


def working_days_before(day: datetime.date, n: int) -> datetime.date:
    found = day
    while True:
        found -= datetime.timedelta(days=1)
        if (
            is_working_day(found)
            and add_working_days(found, n) >= day
            and add_working_days(found, n - 1) < day
        ):
            return found


def test_heads_and_staff_are_reminded_ten_and_three_working_days_before_and_once_when_late(demo):
    ten, three = working_days_before(DEADLINE, 10), working_days_before(DEADLINE, 3)
    first = reminders.sweep(ten)
    assert first.reminders_sent >= 4 and reminders.sweep(ten).reminders_sent == 0
    for person in ("head_top", "head_a", "head_b", "orgcom"):
        assert kinds(demo[person], "periodic_report_due") == 1, person
    assert kinds(demo["cadre_a"], "periodic_report_due") == 0
    reminders.sweep(ten + datetime.timedelta(days=1))
    assert kinds(demo["orgcom"], "periodic_report_due") == 1  # nothing on the days between
    reminders.sweep(three)
    assert kinds(demo["orgcom"], "periodic_report_due") == 2
    late = add_working_days(DEADLINE, 1)
    reminders.sweep(late)
    reminders.sweep(late)
    assert (
        kinds(demo["orgcom"], "periodic_report_late") == 1
        and kinds(demo["head_a"], "periodic_report_late") == 1
    )
    reminders.sweep(add_working_days(DEADLINE, 2))
    assert kinds(demo["orgcom"], "periodic_report_late") == 1
    body = (
        Notification.objects.filter(recipient=demo["orgcom"], kind="periodic_report_late")
        .get()
        .texts["vi"]["body"]
    )
    assert "30/06/2027" in body


def test_a_frozen_report_or_a_recorded_review_stops_the_late_reminder(demo, as_):
    from monitoring.models import PeriodicReview, ReportSnapshot

    start, covered = datetime.date(2027, 1, 1), demo["orgcom"].role_assignments.get(role="orgcom").unit
    ReportSnapshot.objects.create(
        unit=covered,
        period="2027-H1",
        period_start=start,
        period_end=DEADLINE,
        figures={},
        sha256="0" * 64,
        created_by=demo["orgcom"],
    )
    PeriodicReview.objects.create(
        unit=demo["head_a"].unit,
        kind="preliminary",
        period_start=start,
        period_end=DEADLINE,
        findings="Sơ kết.",
        created_by=demo["head_a"],
    )
    reminders.sweep(add_working_days(DEADLINE, 1))
    assert (
        kinds(demo["orgcom"], "periodic_report_late") == 0
        and kinds(demo["head_a"], "periodic_report_late") == 0
    )
    assert kinds(demo["head_b"], "periodic_report_late") == 1


def test_the_monthly_digest_goes_once_on_the_first_working_day(demo):
    first = datetime.date(2027, 3, 1)  # a Monday
    reminders.sweep(first - datetime.timedelta(days=1))
    assert kinds(demo["orgcom"], "monthly_digest") == 0
    reminders.sweep(first)
    reminders.sweep(first)
    assert kinds(demo["orgcom"], "monthly_digest") == 1 and kinds(demo["head_a"], "monthly_digest") == 0
    reminders.sweep(first + datetime.timedelta(days=1))
    assert kinds(demo["orgcom"], "monthly_digest") == 1
    digest = Notification.objects.get(recipient=demo["orgcom"], kind="monthly_digest")
    assert "02/2027" in digest.texts["vi"]["subject"] and "/reports/?unit=UBND" in digest.url
    saturday = datetime.date(2027, 5, 1)  # the first of May is a Saturday (and a holiday): the digest waits
    reminders.sweep(saturday)
    assert kinds(demo["orgcom"], "monthly_digest") == 1
    reminders.sweep(add_working_days(saturday, 1))
    assert kinds(demo["orgcom"], "monthly_digest") == 2
