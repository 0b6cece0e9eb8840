"""Deadlines of accountability cases (product rules): the determination within 15 working days
of the opening, relief or the referral's outcome within 15 of the determination. Overdue, the
person who must act is reminded and the head above them too, each once per day."""

from __future__ import annotations

from accountability.models import Case
from portal import reminders
from portal.models import Notification
from portal.workdays import add_working_days
from tests.accountability.test_api import answers, outcome_case, post


def overdue_kinds(user, case: Case) -> list[str]:
    return sorted(
        Notification.objects.filter(
            recipient=user, object_id=case.pk, kind__startswith="case_overdue"
        ).values_list("kind", flat=True)
    )


def test_an_overdue_determination_reminds_the_head_and_escalates_once_a_day(demo, api):
    as_ = lambda name: api(demo[name])  # noqa: E731
    case = outcome_case(as_, demo)
    assert case.determination_due == add_working_days(case.opened_at.date(), 15)
    on_time = case.determination_due
    reminders.sweep(on_time)
    assert overdue_kinds(demo["head_a"], case) == []

    late = add_working_days(on_time, 1)
    first, second = reminders.sweep(late), reminders.sweep(late)
    assert first.reminders_sent >= 2 and second.reminders_sent == 0
    assert overdue_kinds(demo["head_a"], case) == ["case_overdue"]
    assert overdue_kinds(demo["head_top"], case) == ["case_overdue_escalation"]
    assert overdue_kinds(demo["cadre_a"], case) == []  # the subject does not act

    reminders.sweep(add_working_days(late, 1))
    assert overdue_kinds(demo["head_a"], case) == ["case_overdue", "case_overdue"]

    post(as_("head_a"), f"/api/v1/cases/{case.pk}/determine/", answers(True, True, True))
    reminders.sweep(add_working_days(late, 2))
    assert len(overdue_kinds(demo["head_a"], case)) == 2  # determined: no more reminders


def test_an_overdue_relief_decision_reminds_the_head_above_the_approving_unit(demo, api):
    as_ = lambda name: api(demo[name])  # noqa: E731
    case = outcome_case(as_, demo, damage=True)
    post(as_("head_a"), f"/api/v1/cases/{case.pk}/determine/", answers(True, True, True))
    case.refresh_from_db()
    assert case.status == "relief_recommended"
    reminders.sweep(add_working_days(case.decision_due, 1))
    assert overdue_kinds(demo["head_top"], case) == ["case_overdue"]
    assert overdue_kinds(demo["head_a"], case) == []
