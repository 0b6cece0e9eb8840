"""The daily "what is due" sweep.

Apps register providers: functions that, given a day, yield the reminders due that day. The
sweep sends each (recipient, kind, object, day) at most once: a ReminderLog row with a unique
key is written in the same transaction as the notification, so a second run — or a run after a
worker died half-way — finds the row and sends nothing twice.

A run is split into chunks (SweepChunk rows), each done by one task in one transaction: a
provider marked `@chunked(Model)` over a range of that model's ids, any other provider whole.
A chunk writes its reminders in bulk — one query for what was already sent, the new
notifications in one INSERT, the log rows in one `INSERT … ON CONFLICT DO NOTHING RETURNING` —
and the working-day calendar is read once for it (`workdays.snapshot()`). The run is finished
when its last chunk is; a chunk that died leaves the run unfinished for `sweep_resume`.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Max, Min, Sum
from django.utils import timezone

from portal import workdays
from portal.models import Notification, ReminderLog, SweepChunk, SweepRun, User
from portal.notifications import mail_after_commit, notification_build, notifications_build

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reminder:
    recipient: User
    kind: str
    obj: models.Model
    context: dict[str, Any] = field(default_factory=dict)


Ids = tuple[int, int | None]  # a chunk's ids: first ≤ id < last (no last: to the end)
Provider = Callable[..., Iterable[Reminder]]
Job = Callable[[datetime.date], object]
_providers: list[Provider] = []
_jobs: list[Job] = []

IDS_PER_CHUNK = 10_000  # of a chunked provider's model: a few thousand reminders at most, seconds


def register_job(job: Job) -> Job:
    """Add daily work that changes state before reminders go out (e.g. start planned pilots)."""
    if job not in _jobs:
        _jobs.append(job)
    return job


def register(provider: Provider) -> Provider:
    """Add a provider of due reminders (usable as a decorator); registering twice is harmless."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister(provider: Provider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def chunked(over: type[models.Model], ids_per_chunk: int = IDS_PER_CHUNK) -> Callable[[Provider], Provider]:
    """Mark a provider whose work splits by the ids of `over`: it takes `ids=(first, last)` and
    yields only the reminders of those items (`within` filters its querysets)."""

    def mark(provider: Provider) -> Provider:
        provider.chunked_over = (over, ids_per_chunk)  # type: ignore[attr-defined]
        return provider

    return mark


def within(queryset: models.QuerySet, field_name: str, ids: Ids | None) -> models.QuerySet:
    """The rows of `queryset` whose `field_name` lies in a chunk's ids (all of them for None)."""
    if ids is None:
        return queryset
    first, last = ids
    queryset = queryset.filter(**{f"{field_name}__gte": first})
    return queryset if last is None else queryset.filter(**{f"{field_name}__lt": last})


def heads_of(unit_ids: Iterable[int | None]) -> dict[int, User]:
    """Each unit's current head as `RoleAssignment.objects.head_of` answers it (the first by the
    assignments' order; active or not), for many units in one query."""
    from portal.models import RoleAssignment

    heads: dict[int, User] = {}
    wanted = {pk for pk in unit_ids if pk is not None}
    for assignment in (
        RoleAssignment.objects.current().filter(unit_id__in=wanted, role="head").select_related("user")
    ):
        heads.setdefault(assignment.unit_id, assignment.user)
    return heads


def _name(provider: Provider) -> str:
    return f"{provider.__module__}.{provider.__qualname__}"


# --- Writing reminders in bulk ----------------------------------------------------------------

Key = tuple[int, str, int, int]  # recipient, kind, content type, object


def _batch(fields: int, limit: int) -> int:
    """Rows per statement: SQLite binds at most 999 parameters; elsewhere `limit` rows."""
    return max(1, min(limit, connection.ops.bulk_batch_size(["f"] * fields, [None] * limit)))


def _sent_already(keys: list[Key], day: datetime.date) -> set[Key]:
    sent: set[Key] = set()
    size = _batch(2, 5_000)  # the recipients and the objects of `size` keys
    for start in range(0, len(keys), size):
        batch = keys[start : start + size]
        sent.update(
            ReminderLog.objects.filter(
                day=day,
                recipient_id__in={key[0] for key in batch},
                object_id__in={key[3] for key in batch},
            ).values_list("recipient_id", "kind", "content_type_id", "object_id")
        )
    return sent


def _bulk_returning() -> bool:
    """Whether the database reports which rows an INSERT wrote (PostgreSQL; SQLite ≥ 3.35)."""
    return connection.features.can_return_rows_from_bulk_insert


def _insert_logs(rows: list[tuple[Key, int]], day: datetime.date) -> set[int]:
    """Write the log rows (key, notification id) unless already there; the notification ids of
    the rows written now. The unique key decides, so two runs at once still send each once."""
    ops, table = connection.ops, ReminderLog._meta.db_table
    columns = ("recipient_id", "kind", "content_type_id", "object_id", "day", "notification_id", "created_at")
    names = ", ".join(ops.quote_name(column) for column in columns)
    stamp = (ops.adapt_datefield_value(day), None, ops.adapt_datetimefield_value(timezone.now()))
    written: set[int] = set()
    size = _batch(len(columns), 2_000)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(batch))
            params = [value for key, pk in batch for value in (*key, stamp[0], pk, stamp[2])]
            # Only the table's and columns' own names are formatted in; every value is a parameter.
            sql = f"INSERT INTO {ops.quote_name(table)} ({names}) VALUES {values} "  # noqa: S608  # nosec B608
            cursor.execute(sql + "ON CONFLICT DO NOTHING RETURNING notification_id", params)
            written.update(row[0] for row in cursor.fetchall())
    return written


def _send_one_by_one(fresh: dict[Key, Reminder], day: datetime.date) -> list[Notification]:
    """For a database that cannot say which rows an INSERT wrote: a savepoint per reminder, and
    a duplicate key rolls back only that reminder (its notification with it)."""
    sent = []
    for (_recipient, _kind, content_type_id, object_id), reminder in fresh.items():
        try:
            with transaction.atomic():
                notification = notification_build(
                    reminder.recipient, reminder.kind, reminder.obj, reminder.context
                )
                notification.save()
                ReminderLog.objects.create(
                    recipient=reminder.recipient, kind=reminder.kind, content_type_id=content_type_id,
                    object_id=object_id, day=day, notification=notification,
                )  # fmt: skip
        except IntegrityError:
            continue
        sent.append(notification)
    return sent


@transaction.atomic
def send_all(reminders: Iterable[Reminder], day: datetime.date) -> int:
    """Send each reminder unless it already went out for `day`; how many were sent now. People
    who have left (inactive accounts) are not reminded; a reminder given twice goes once (the
    first)."""
    wanted: dict[Key, Reminder] = {}
    for reminder in reminders:
        if reminder.recipient.is_active:
            content_type = ContentType.objects.get_for_model(reminder.obj)
            wanted.setdefault(
                (reminder.recipient.pk, reminder.kind, content_type.pk, reminder.obj.pk), reminder
            )
    done = _sent_already(list(wanted), day)
    fresh = {key: reminder for key, reminder in wanted.items() if key not in done}
    if not fresh:
        return 0
    if not _bulk_returning():
        sent = _send_one_by_one(fresh, day)
    else:
        notifications = notifications_build([(r.recipient, r.kind, r.obj, r.context) for r in fresh.values()])
        Notification.objects.bulk_create(notifications, batch_size=1_000)
        written = _insert_logs([(key, n.pk) for key, n in zip(fresh, notifications, strict=True)], day)
        # Another run wrote some of these meanwhile (it committed after our first query): theirs stand.
        lost = [n.pk for n in notifications if n.pk not in written]
        if lost:
            Notification.objects.filter(pk__in=lost).delete()
        sent = [n for n in notifications if n.pk in written]
    mail_after_commit([n.pk for n in sent if n.recipient.email])
    return len(sent)


def send_once(reminder: Reminder, day: datetime.date) -> bool:
    """Send one reminder unless it already went out for `day`; True when sent now."""
    return send_all([reminder], day) == 1


# --- Runs and their chunks --------------------------------------------------------------------

SWEEP_HOUR = 7  # the daily sweep's hour, Hanoi time (settings.CELERY_BEAT_SCHEDULE)
Dispatch = Callable[[SweepChunk], object]


def _plan(run: SweepRun) -> list[SweepChunk]:
    """The run's chunks: a chunked provider's ids cut in ranges (the last one open, so an item
    added meanwhile is not missed), any other provider whole."""
    chunks = []
    for provider in list(_providers):
        name, split = _name(provider), getattr(provider, "chunked_over", None)
        if split is None:
            chunks.append(SweepChunk(run=run, provider=name))
            continue
        model, size = split
        size = settings.PORTAL_SWEEP_IDS_PER_CHUNK or size
        bounds = model._default_manager.aggregate(low=Min("pk"), high=Max("pk"))
        low, high = bounds["low"] or 0, bounds["high"] or 0
        starts = list(range(low, high + 1, size))
        ranges = [(first, first + size) for first in starts[:-1]] + [(starts[-1], None)]
        chunks += [SweepChunk(run=run, provider=name, first_id=first, last_id=last) for first, last in ranges]
    SweepChunk.objects.bulk_create(chunks)
    return list(run.chunks.all())


def _provider_named(name: str) -> Provider | None:
    return next((provider for provider in _providers if _name(provider) == name), None)


def sweep_chunk(chunk_id: int) -> int:
    """Do one chunk, in one transaction; how many reminders it sent. A chunk already finished
    is not done again; the run is finished with its last chunk."""
    chunk = SweepChunk.objects.select_related("run").filter(pk=chunk_id).first()
    if chunk is None or chunk.finished_at is not None:
        return 0
    provider, day = _provider_named(chunk.provider), chunk.run.day
    with workdays.snapshot(), transaction.atomic():
        if provider is None:  # unregistered since the run was planned
            sent = 0
        elif getattr(provider, "chunked_over", None) is None:
            sent = send_all(provider(day), day)
        else:
            sent = send_all(provider(day, ids=(chunk.first_id, chunk.last_id)), day)
        # Added, not set: a chunk done twice at once (a redelivered task) counts both parts.
        SweepChunk.objects.filter(pk=chunk.pk).update(
            finished_at=timezone.now(), reminders_sent=F("reminders_sent") + sent
        )
    _finish_if_done(chunk.run_id)
    return sent


def _finish_if_done(run_id: int) -> None:
    with transaction.atomic():
        # The run's row lock orders the last chunks' checks: one of them sees all finished.
        run = SweepRun.objects.select_for_update().get(pk=run_id)
        if run.finished_at is not None or run.chunks.filter(finished_at__isnull=True).exists():
            return
        run.reminders_sent = run.chunks.aggregate(sent=Sum("reminders_sent"))["sent"] or 0
        run.finished_at = timezone.now()
        run.save(update_fields=["reminders_sent", "finished_at"])
    logger.info("due sweep for %s sent %d reminders", run.day, run.reminders_sent)


def _in_process(chunk: SweepChunk) -> int:
    return sweep_chunk(chunk.pk)


def sweep(day: datetime.date | None = None, *, dispatch: Dispatch = _in_process) -> SweepRun:
    """Run every provider for `day` (today in Hanoi by default) and send what is due: each chunk
    handed to `dispatch` (a task each, by the Celery task; here one after the other)."""
    day = day or timezone.localdate()
    run = SweepRun.objects.create(day=day)
    for job in list(_jobs):
        job(day)
    chunks = _plan(run)
    for chunk in chunks:
        dispatch(chunk)
    if not chunks:
        _finish_if_done(run.pk)
    run.refresh_from_db()
    return run


def sweep_resume(
    now: datetime.datetime | None = None, *, dispatch: Dispatch = _in_process
) -> SweepRun | None:
    """Today's sweep again when today's run did not finish — killed, or past the task's time
    limit — or when none ran though its hour (07:00) has passed: a reminder due today goes out
    today. What was sent is not sent again (the log's unique key). A run still going — started,
    or a chunk of it finished, within the time limit — is left alone."""
    from django.conf import settings

    now = now or timezone.now()
    local = timezone.localtime(now)
    runs = SweepRun.objects.filter(day=local.date())
    if runs.filter(finished_at__isnull=False).exists():
        return None
    alive = now - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    going = (
        runs.filter(started_at__gt=alive).exists()
        or SweepChunk.objects.filter(run__in=runs, finished_at__gt=alive, finished_at__lte=now).exists()
    )
    if going or (not runs.exists() and local.hour < SWEEP_HOUR):
        return None
    logger.warning("today's due sweep did not finish; running it again")
    return sweep(local.date(), dispatch=dispatch)
