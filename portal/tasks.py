"""Celery tasks of the portal: thin, idempotent, taking ids."""

from __future__ import annotations

import datetime

from celery import shared_task

from portal import reminders
from portal.notifications import send_notification_email, send_unsent_notifications

# the mail tasks live beside notify()
__all__ = [
    "send_notification_email",
    "send_unsent_notifications",
    "sweep_due",
    "sweep_resume",
    "verify_audit",
]


@shared_task(name="portal.tasks.sweep_due")
def sweep_due(day: str | None = None) -> int:
    """The daily sweep of due and overdue items; returns the number of reminders sent."""
    on = datetime.date.fromisoformat(day) if day else None
    return reminders.sweep(on).reminders_sent


@shared_task(name="portal.tasks.sweep_resume")
def sweep_resume() -> int:
    """Every quarter of an hour: today's sweep again if today's run died or never ran."""
    run = reminders.sweep_resume()
    return run.reminders_sent if run else 0


@shared_task(name="portal.tasks.verify_audit")
def verify_audit() -> bool:
    """The nightly check of the audit chains (administrators are alerted on the first failure)."""
    from portal import audit

    return audit.check_and_alert().intact
