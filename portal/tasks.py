"""Celery tasks of the portal: thin, idempotent, taking ids."""

from __future__ import annotations

import datetime

from celery import shared_task

from portal import reminders
from portal.notifications import send_notification_email, send_notification_emails, send_unsent_notifications

# the mail tasks live beside notify()
__all__ = [
    "send_notification_email",
    "send_notification_emails",
    "send_unsent_notifications",
    "sweep_chunk",
    "sweep_due",
    "sweep_resume",
    "verify_audit",
]


def _dispatcher(task) -> reminders.Dispatch:
    """Each chunk of a run as a task of its own, on the queue the run's task came from (a test's
    own queue, a deployment's sweep queue), so no single task nears the time limit. With tasks
    in-process (no broker) each runs at once."""
    queue = (task.request.delivery_info or {}).get("routing_key")
    return lambda chunk: sweep_chunk.apply_async(args=[chunk.pk], queue=queue)


@shared_task(bind=True, name="portal.tasks.sweep_due")
def sweep_due(self, day: str | None = None) -> int:
    """The daily sweep of due and overdue items, a task per chunk; returns the number of
    reminders sent when the chunks ran in-process (0 while they are queued)."""
    on = datetime.date.fromisoformat(day) if day else None
    return reminders.sweep(on, dispatch=_dispatcher(self)).reminders_sent


@shared_task(name="portal.tasks.sweep_chunk")
def sweep_chunk(chunk_id: int) -> int:
    """One chunk of a run: a provider over a range of ids, in one transaction."""
    return reminders.sweep_chunk(chunk_id)


@shared_task(bind=True, name="portal.tasks.sweep_resume")
def sweep_resume(self) -> int:
    """Every quarter of an hour: today's sweep again if today's run died or never ran."""
    run = reminders.sweep_resume(dispatch=_dispatcher(self))
    return run.reminders_sent if run else 0


@shared_task(name="portal.tasks.verify_audit")
def verify_audit() -> bool:
    """The nightly check of the audit chains (administrators are alerted on the first failure)."""
    from portal import audit

    return audit.check_and_alert().intact
