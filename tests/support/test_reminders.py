"""An unanswered obstacle (answer due within 5 working days): overdue, the head of the answering
unit is reminded and the head above told, each once per day; after an escalation the new
answerer's clock runs from the escalation. Time-travel tests, and a real worker in CI."""

from __future__ import annotations

import pytest
from django.utils import timezone

from portal import reminders
from portal.models import Notification, ReminderLog, SweepRun, User
from portal.workdays import add_working_days
from support.models import Obstacle
from tests.support.test_obstacles import ANSWER, API, post, raised
from tests.worker import running_worker, wait_for


@pytest.fixture
def as_(demo, api):
    return lambda username: api(demo[username])


def kinds(user, obstacle: Obstacle) -> list[str]:
    return sorted(
        Notification.objects.filter(
            recipient=user, object_id=obstacle.pk, kind__startswith="obstacle_overdue"
        ).values_list("kind", flat=True)
    )


def test_an_overdue_answer_is_reminded_and_escalated_once_a_day(as_, demo):
    obstacle = Obstacle.objects.get(pk=raised(as_, demo)["id"])
    reminders.sweep(obstacle.answer_due)
    assert kinds(demo["head_a"], obstacle) == []
    late = add_working_days(obstacle.answer_due, 1)
    assert reminders.sweep(late).reminders_sent >= 2 and reminders.sweep(late).reminders_sent == 0
    assert kinds(demo["head_a"], obstacle) == ["obstacle_overdue"]
    assert kinds(demo["head_top"], obstacle) == ["obstacle_overdue_escalation"]
    assert kinds(demo["cadre_a"], obstacle) == []
    reminders.sweep(add_working_days(late, 1))
    assert kinds(demo["head_a"], obstacle) == ["obstacle_overdue"] * 2
    post(as_("head_a"), f"{API}{obstacle.pk}/answer/", ANSWER)
    reminders.sweep(add_working_days(late, 2))
    assert kinds(demo["head_a"], obstacle) == ["obstacle_overdue"] * 2  # answered: no more


def test_after_an_escalation_the_new_answerer_has_a_new_clock(as_, demo, time_machine):
    obstacle = Obstacle.objects.get(pk=raised(as_, demo)["id"])
    three_days_on = add_working_days(timezone.localdate(obstacle.raised_at), 3)
    time_machine.move_to(three_days_on.isoformat() + "T09:00:00+07:00")
    post(as_("head_a"), f"{API}{obstacle.pk}/escalate/", {"note": "Vượt thẩm quyền."})
    obstacle.refresh_from_db()
    assert obstacle.answer_due == add_working_days(three_days_on, 5)
    reminders.sweep(add_working_days(three_days_on, 5))
    assert kinds(demo["head_top"], obstacle) == []
    reminders.sweep(add_working_days(three_days_on, 6))
    assert kinds(demo["head_top"], obstacle) == ["obstacle_overdue"]  # UBND is the root: nobody above
    assert kinds(demo["head_a"], obstacle) == []


@pytest.fixture
def sweep_worker(tmp_path):
    with running_worker(tmp_path, own_queue=True) as started:
        yield started


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_reminds_an_unanswered_obstacle_once_per_person_kind_and_day(demo, api, sweep_worker):
    from portal.celery import app
    from portal.tasks import sweep_due

    queue, log_path = sweep_worker
    as_ = lambda name: api(demo[name])  # noqa: E731
    obstacle = Obstacle.objects.get(pk=raised(as_, demo)["id"])
    User.objects.update(email="")
    app.conf.task_always_eager = False

    def sweep_in_worker(day) -> SweepRun:
        done = SweepRun.objects.filter(day=day, finished_at__isnull=False).count()
        sweep_due.apply_async(args=[day.isoformat()], queue=queue)
        finished = lambda: SweepRun.objects.filter(day=day, finished_at__isnull=False).count() > done  # noqa: E731
        assert wait_for(finished, 90), log_path.read_text()[-4000:]
        return SweepRun.objects.filter(day=day, finished_at__isnull=False).order_by("-started_at").first()

    late = add_working_days(obstacle.answer_due, 1)
    first, second = (sweep_in_worker(late).reminders_sent for _ in range(2))
    assert first >= 2 and second == 0  # (on some days the periodic reminders go out too)
    assert kinds(demo["head_a"], obstacle) == ["obstacle_overdue"]
    assert kinds(demo["head_top"], obstacle) == ["obstacle_overdue_escalation"]
    assert ReminderLog.objects.filter(object_id=obstacle.pk, kind__startswith="obstacle").count() == 2
