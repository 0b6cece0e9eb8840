"""A reminder due today goes out today (issue "Scale", P5, in part): on `main` a sweep killed or
stopped by the task's time limit left the rest of the day's reminders unsent for good — the next
run, the next morning, has a new day. Now a beat task every 15 minutes runs today's sweep again
when today's run did not finish (or did not run after 07:00); what was sent is not sent again."""

from __future__ import annotations

import datetime

from django.utils import timezone

from portal import reminders
from portal.models import Notification, SweepRun
from tests.proposals.conftest import make_proposal

NINE = timezone.make_aware(datetime.datetime(2027, 3, 10, 9, 0))  # a Wednesday, 09:00 in Hanoi


def proposals_due_soon(demo, day: datetime.date, count: int) -> None:
    from portal.workdays import add_working_days

    for _ in range(count):
        proposal = make_proposal(demo["cadre_a"], "submitted")
        type(proposal).objects.filter(pk=proposal.pk).update(decision_due=add_working_days(day, 2))


def test_a_run_that_died_is_run_again_and_sends_only_the_rest(demo):
    today = timezone.localtime(NINE).date()
    proposals_due_soon(demo, today, 3)
    reminders.sweep(today)
    sent = Notification.objects.filter(kind="proposal_due_soon")
    assert sent.count() == 3
    SweepRun.objects.update(finished_at=None, started_at=NINE - datetime.timedelta(minutes=30))  # it died
    proposals_due_soon(demo, today, 2)  # due too, not yet reminded
    run = reminders.sweep_resume(NINE)
    assert run is not None and run.finished_at is not None
    assert sent.count() == 5  # the two left, and none of the three again
    assert reminders.sweep_resume(NINE) is None  # today's run has finished now


def test_a_run_still_going_is_left_alone(demo):
    today = timezone.localtime(NINE).date()
    SweepRun.objects.create(day=today, started_at=NINE - datetime.timedelta(seconds=60))
    assert reminders.sweep_resume(NINE) is None


def test_a_day_with_no_run_is_swept_after_seven_only(demo):
    early = timezone.make_aware(datetime.datetime(2027, 3, 10, 6, 30))
    assert reminders.sweep_resume(early) is None
    assert not SweepRun.objects.exists()
    run = reminders.sweep_resume(NINE)
    assert run is not None and run.day == timezone.localtime(NINE).date()


def test_the_beat_runs_the_resume_every_quarter_of_an_hour(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["resume-due-sweep"]
    assert entry == {"task": "portal.tasks.sweep_resume", "schedule": 900.0}
