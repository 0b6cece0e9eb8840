"""Deadlines of accountability cases (product rules): the determination within 15 working days
of the opening, relief or the referral's outcome within 15 of the determination. Overdue, the
person who must act is reminded and the head above them too, each once per day."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accountability.models import Case
from portal import reminders
from portal.models import Notification, ReminderLog, SweepRun, User
from portal.workdays import add_working_days
from tests.accountability.test_api import answers, outcome_case, post
from tests.worker import running_worker, wait_for


def overdue_kinds(user, case: Case) -> list[str]:
    return sorted(
        Notification.objects.filter(
            recipient=user, object_id=case.pk, kind__startswith="case_overdue"
        ).values_list("kind", flat=True)
    )


def test_an_overdue_determination_reminds_the_head_and_escalates_once_a_day(demo, api):
    as_ = lambda name: api(demo[name])  # noqa: E731
    case = outcome_case(as_, demo)
    assert case.determination_due == add_working_days(timezone.localdate(case.opened_at), 15)
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


@pytest.fixture
def sweep_worker(tmp_path):
    """A real worker on a queue of its own (no beat: nothing sweeps unless the test asks)."""
    with running_worker(tmp_path, own_queue=True) as started:
        yield started


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_reminds_and_escalates_an_overdue_case_once_per_person_kind_and_day(
    demo, api, sweep_worker
):
    from portal.celery import app
    from portal.tasks import sweep_due

    queue, log_path = sweep_worker
    as_ = lambda name: api(demo[name])  # noqa: E731
    case = outcome_case(as_, demo)
    User.objects.update(email="")  # the e-mail copies would go to a queue this worker does not serve
    app.conf.task_always_eager = False

    def sweep_in_worker(day) -> SweepRun:
        done_before = SweepRun.objects.filter(day=day, finished_at__isnull=False).count()
        sweep_due.apply_async(args=[day.isoformat()], queue=queue)
        finished = lambda: SweepRun.objects.filter(day=day, finished_at__isnull=False).count() > done_before  # noqa: E731
        assert wait_for(finished, 90), log_path.read_text()[-4000:]
        return SweepRun.objects.filter(day=day, finished_at__isnull=False).order_by("-started_at").first()

    late = add_working_days(case.determination_due, 1)
    assert sweep_in_worker(late).reminders_sent >= 2
    assert sweep_in_worker(late).reminders_sent == 0  # the same day again: nothing twice
    assert overdue_kinds(demo["head_a"], case) == ["case_overdue"]
    assert overdue_kinds(demo["head_top"], case) == ["case_overdue_escalation"]
    assert overdue_kinds(demo["cadre_a"], case) == []
    sweep_in_worker(add_working_days(late, 1))
    assert overdue_kinds(demo["head_a"], case) == ["case_overdue", "case_overdue"]
    assert overdue_kinds(demo["head_top"], case) == ["case_overdue_escalation"] * 2
    assert ReminderLog.objects.filter(object_id=case.pk, kind__startswith="case_overdue").count() == 4
    lines = log_path.read_text().splitlines()
    assert sum("portal.tasks.sweep_due[" in line and "] succeeded in" in line for line in lines) == 3


def test_the_sweeps_bulk_reading_answers_as_the_permission_rules_in_every_state(demo, api):
    """The provider reads the units and heads once for a chunk of cases (accountability.tasks
    ._Acting) instead of asking `permissions` per case: the same answers for every kind (abuse
    and obstruction are confidential), state and subject (the approving unit's own head walks
    the case up a level)."""
    from accountability import permissions
    from accountability.tasks import _Acting

    as_ = lambda name: api(demo[name])  # noqa: E731
    case = outcome_case(as_, demo)
    case = Case.objects.select_related(
        "unit__parent", "proposal__reviewer_unit__parent", "subject", "determined_by"
    ).get(pk=case.pk)
    case.determined_by = demo["head_a"]
    seen = set()
    for subject in ("cadre_a", "head_a", "head_top"):
        case.subject = User.objects.get(pk=demo[subject].pk)
        for kind in Case.Kind.values:
            for status in Case.Status.values:
                case.kind, case.status = kind, status  # abuse and obstruction are confidential
                acting = _Acting([case])
                assert acting.unit_id(case) == permissions.acting_unit(case).pk
                assert acting.next_actor(case) == permissions.next_actor(case)
                seen.add((acting.unit_id(case), getattr(acting.next_actor(case), "pk", None)))
    assert len(seen) >= 3  # more than one unit and actor were met
