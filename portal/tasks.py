"""Celery tasks of the portal: thin, idempotent, taking ids."""

from __future__ import annotations

import datetime

from celery import shared_task

from portal import reminders
from portal.notifications import send_notification_email

__all__ = ["send_notification_email", "sweep_due"]  # the mail task lives beside notify()


@shared_task(name="portal.tasks.sweep_due")
def sweep_due(day: str | None = None) -> int:
    """The daily sweep of due and overdue items; returns the number of reminders sent."""
    on = datetime.date.fromisoformat(day) if day else None
    return reminders.sweep(on).reminders_sent
