"""The daily sweep in chunks, written in bulk (issue "Scale", P5): each reminder exactly once across
two runs, across a run that died in the middle of a chunk and was resumed, and across two runs at
once (PostgreSQL); the queries of a chunk do not grow with its reminders; the same on the portable
path (a savepoint per reminder) of a database that cannot say which rows an INSERT wrote; the
e-mail copies queued in batches after the chunk commits."""

from __future__ import annotations

import datetime
import threading
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal import notifications, reminders
from portal.models import Notification, ReminderLog, SweepChunk, SweepRun
from portal.workdays import add_working_days
from proposals.models import Proposal
from proposals.tasks import decision_reminders
from tests.proposals.conftest import make_proposal

NINE = timezone.make_aware(datetime.datetime(2027, 3, 10, 9, 0))  # a Wednesday, 09:00 in Hanoi
DAY = timezone.localtime(NINE).date()


def due_soon(demo, count: int) -> list[Proposal]:
    """`count` submitted proposals whose decision is due 2 working days after DAY: one reminder
    each, to head_a."""
    made = [make_proposal(demo["cadre_a"], "submitted") for _ in range(count)]
    Proposal.objects.filter(pk__in=[p.pk for p in made]).update(decision_due=add_working_days(DAY, 2))
    return made


@pytest.fixture
def small_chunks(monkeypatch):
    """The proposals' provider cut into chunks of 2 ids, so a handful of proposals makes several."""
    monkeypatch.setattr(decision_reminders, "chunked_over", (Proposal, 2), raising=False)


def reminded() -> Counter:
    return Counter(
        Notification.objects.filter(kind="proposal_due_soon").values_list("recipient_id", "object_id")
    )


def assert_each_once(proposals: list[Proposal], head) -> None:
    assert reminded() == Counter({(head.pk, p.pk): 1 for p in proposals})
    logs = ReminderLog.objects.filter(kind="proposal_due_soon", day=DAY).select_related("notification")
    assert sorted(log.object_id for log in logs) == sorted(p.pk for p in proposals)
    for log in logs:
        assert (log.notification.recipient_id, log.notification.object_id) == (
            log.recipient_id,
            log.object_id,
        )


def test_a_run_is_cut_in_chunks_and_finished_with_the_last(demo, small_chunks):
    proposals = due_soon(demo, 7)
    run = reminders.sweep(DAY)
    chunks = run.chunks.filter(provider__endswith="decision_reminders")
    assert chunks.count() >= 4  # 7 proposals of consecutive ids, 2 ids a chunk
    assert not run.chunks.filter(finished_at__isnull=True).exists()
    assert run.finished_at is not None and run.reminders_sent == 7
    assert sum(chunks.values_list("reminders_sent", flat=True)) == 7
    assert_each_once(proposals, demo["head_a"])


def test_the_setting_cuts_every_provider_in_chunks_of_its_size(demo, settings):
    settings.PORTAL_SWEEP_IDS_PER_CHUNK = 3
    proposals = due_soon(demo, 7)
    run = reminders.sweep(DAY)
    ranges = run.chunks.filter(provider__endswith="decision_reminders").values_list("first_id", "last_id")
    assert all(last - first == 3 for first, last in ranges if last is not None)
    assert len(ranges) >= 3 and run.reminders_sent == 7
    assert_each_once(proposals, demo["head_a"])


def test_two_runs_send_each_reminder_once(demo, small_chunks):
    proposals = due_soon(demo, 5)
    assert [reminders.sweep(DAY).reminders_sent for _ in range(2)] == [5, 0]
    assert_each_once(proposals, demo["head_a"])
    assert SweepRun.objects.filter(day=DAY, finished_at__isnull=False).count() == 2


def test_a_run_killed_in_the_middle_of_a_chunk_is_resumed_and_sends_each_reminder_once(
    demo, small_chunks, monkeypatch
):
    proposals = due_soon(demo, 6)
    write = reminders._insert_logs
    calls = []

    def dies_on_the_second_chunk(rows, day):
        calls.append(len(rows))
        written = write(rows, day)  # the rows are in, the notifications too: then the worker dies
        if len(calls) == 2:
            raise SystemExit("killed")
        return written

    monkeypatch.setattr(reminders, "_insert_logs", dies_on_the_second_chunk)
    with pytest.raises(SystemExit):
        reminders.sweep(DAY)
    run = SweepRun.objects.get(day=DAY)
    assert run.finished_at is None
    done = run.chunks.filter(finished_at__isnull=False)
    assert done.exists() and run.chunks.filter(finished_at__isnull=True).exists()
    sent_before = sum(done.values_list("reminders_sent", flat=True))
    assert 0 < sent_before < 6
    assert (
        sum(reminded().values()) == ReminderLog.objects.count() == sent_before
    )  # the dead chunk left nothing

    monkeypatch.setattr(reminders, "_insert_logs", write)
    again = reminders.sweep_resume(NINE)
    assert again is not None and again.finished_at is not None
    assert again.reminders_sent == 6 - sent_before
    assert_each_once(proposals, demo["head_a"])
    assert reminders.sweep_resume(NINE) is None


def test_a_chunk_that_ran_already_is_not_done_again(demo, small_chunks):
    due_soon(demo, 3)
    run = reminders.sweep(DAY)
    chunk = run.chunks.filter(reminders_sent__gt=0).first()
    assert reminders.sweep_chunk(chunk.pk) == 0  # a redelivered task
    assert SweepChunk.objects.get(pk=chunk.pk).reminders_sent == chunk.reminders_sent


def test_a_resume_leaves_a_run_whose_chunks_are_still_finishing_alone(demo, small_chunks):
    run = SweepRun.objects.create(day=DAY, started_at=NINE - datetime.timedelta(minutes=30))
    SweepChunk.objects.create(run=run, provider="x", finished_at=NINE - datetime.timedelta(seconds=30))
    SweepChunk.objects.create(run=run, provider="y")
    assert reminders.sweep_resume(NINE) is None


def chunk_queries(first: int, last: int) -> tuple[int, int]:
    run = SweepRun.objects.create(day=DAY)
    name = f"{decision_reminders.__module__}.{decision_reminders.__qualname__}"
    chunk = SweepChunk.objects.create(run=run, provider=name, first_id=first, last_id=last)
    with CaptureQueriesContext(connection) as queries:
        sent = reminders.sweep_chunk(chunk.pk)
    return sent, len(queries)


def test_the_queries_of_a_chunk_do_not_grow_with_its_reminders(demo):
    few = due_soon(demo, 2)
    many = due_soon(demo, 12)
    small = chunk_queries(few[0].pk, few[-1].pk + 1)
    large = chunk_queries(many[0].pk, many[-1].pk + 1)
    assert (small[0], large[0]) == (2, 12)
    assert small[1] == large[1], (small, large)
    again = chunk_queries(few[0].pk, many[-1].pk + 1)  # all 14 sent already: nothing is written
    assert again[0] == 0 and again[1] < small[1], again


def test_the_portable_path_sends_each_reminder_once_too(demo, small_chunks, monkeypatch):
    monkeypatch.setattr(reminders, "_bulk_returning", lambda: False)
    proposals = due_soon(demo, 5)
    assert [reminders.sweep(DAY).reminders_sent for _ in range(2)] == [5, 0]
    assert_each_once(proposals, demo["head_a"])


def test_bulk_notifications_read_as_notify_writes_them(demo):
    (proposal,) = due_soon(demo, 1)
    reminders.sweep(DAY)
    proposal.refresh_from_db()
    bulk = Notification.objects.get(kind="proposal_due_soon", object_id=proposal.pk)
    one = notifications.notify(demo["head_a"], "proposal_due_soon", proposal, {"proposal": proposal})
    assert (bulk.subject, bulk.body, bulk.texts, bulk.url, bulk.content_type_id) == (
        one.subject, one.body, one.texts, one.url, one.content_type_id,
    )  # fmt: skip
    assert set(bulk.texts) == {"vi", "en"} and bulk.texts["vi"] != bulk.texts["en"]


def test_the_e_mail_copies_go_in_batches_after_commit_each_once(
    demo, small_chunks, monkeypatch, settings, django_capture_on_commit_callbacks
):
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    monkeypatch.setattr(notifications, "MAIL_BATCH", 2)
    due_soon(demo, 5)
    Notification.objects.update(emailed_at=timezone.now())  # the submissions' own mails
    enqueued = []
    real = notifications.enqueue
    monkeypatch.setattr(
        notifications, "enqueue", lambda name, *args: enqueued.append((name, *args)) or real(name, *args)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reminders.sweep(DAY)
    assert {name for name, *_ in enqueued} == {"portal.tasks.send_notification_emails"}
    assert all(len(ids) <= 2 for _name, ids in enqueued)
    sent = Notification.objects.filter(kind="proposal_due_soon")
    assert len(mail.outbox) == sent.count() == 5
    assert not sent.filter(emailed_at__isnull=True).exists()
    assert sorted(m.extra_headers["X-Portal-Notification"] for m in mail.outbox) == sorted(
        str(pk) for pk in sent.values_list("pk", flat=True)
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once_on_postgresql(demo):
    assert connection.vendor == "postgresql"
    proposals = due_soon(demo, 30)
    start, results = threading.Barrier(2), []

    def run() -> None:
        try:
            start.wait()
            results.append(reminders.sweep(DAY).reminders_sent)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 30, results
    assert_each_once(proposals, demo["head_a"])
    assert not Notification.objects.filter(kind="proposal_due_soon", reminderlog__isnull=True).exists()
