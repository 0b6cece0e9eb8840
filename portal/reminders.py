"""The daily "what is due" sweep.

Apps register providers: functions that, given a day, yield the reminders due that day. The
sweep sends each (recipient, kind, object, day) at most once: a ReminderLog row with a unique
key is written in the same transaction as the notification, so a second run — or a run after a
worker died half-way — finds the row and sends nothing twice.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from portal.models import ReminderLog, SweepRun, User
from portal.notifications import notify

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reminder:
    recipient: User
    kind: str
    obj: models.Model
    context: dict[str, Any] = field(default_factory=dict)


Provider = Callable[[datetime.date], Iterable[Reminder]]
Job = Callable[[datetime.date], object]
_providers: list[Provider] = []
_jobs: list[Job] = []


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


def send_once(reminder: Reminder, day: datetime.date) -> bool:
    """Send one reminder unless it already went out for `day`; True when sent now. People who
    have left (inactive accounts) are not reminded."""
    if not reminder.recipient.is_active:
        return False
    try:
        # A savepoint per reminder: a duplicate key rolls back only this reminder.
        with transaction.atomic():
            log = ReminderLog.objects.create(
                recipient=reminder.recipient,
                kind=reminder.kind,
                content_type=ContentType.objects.get_for_model(reminder.obj),
                object_id=reminder.obj.pk,
                day=day,
            )
            log.notification = notify(reminder.recipient, reminder.kind, reminder.obj, reminder.context)
            log.save(update_fields=["notification"])
    except IntegrityError:
        return False
    return True


SWEEP_HOUR = 7  # the daily sweep's hour, Hanoi time (settings.CELERY_BEAT_SCHEDULE)


def sweep(day: datetime.date | None = None) -> SweepRun:
    """Run every provider for `day` (today in Hanoi by default) and send what is due."""
    day = day or timezone.localdate()
    run = SweepRun.objects.create(day=day)
    for job in list(_jobs):
        job(day)
    sent = 0
    for provider in list(_providers):
        for reminder in provider(day):
            sent += send_once(reminder, day)
    run.reminders_sent = sent
    run.finished_at = timezone.now()
    run.save(update_fields=["reminders_sent", "finished_at"])
    logger.info("due sweep for %s sent %d reminders", day, sent)
    return run


def sweep_resume(now: datetime.datetime | None = None) -> SweepRun | None:
    """Today's sweep again when today's run did not finish — killed, or past the task's time
    limit — or when none ran though its hour (07:00) has passed: a reminder due today goes out
    today. What was sent is not sent again (`send_once`). A run still within the time limit is
    left alone."""
    from django.conf import settings

    now = now or timezone.now()
    local = timezone.localtime(now)
    runs = SweepRun.objects.filter(day=local.date())
    if runs.filter(finished_at__isnull=False).exists():
        return None
    alive = now - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    if runs.filter(started_at__gt=alive).exists() or (not runs.exists() and local.hour < SWEEP_HOUR):
        return None
    logger.warning("today's due sweep did not finish; running it again")
    return sweep(local.date())
