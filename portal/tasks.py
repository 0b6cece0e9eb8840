"""Celery tasks of the portal: thin, idempotent, taking ids."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from portal.models import Notification


@shared_task(name="portal.tasks.sweep_due")
def sweep_due(day: str | None = None) -> int:
    """The daily sweep of due and overdue items; returns the number of reminders sent."""
    from portal import reminders

    on = datetime.date.fromisoformat(day) if day else None
    return reminders.sweep(on).reminders_sent


@shared_task(name="portal.tasks.send_notification_email", autoretry_for=(OSError,), max_retries=5)
def send_notification_email(notification_id: int) -> bool:
    """Mail one notification's copy, once: the row is locked and stamped in one transaction."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None or not notification.recipient.email:
            return False
        body = notification.body
        if notification.url:
            from django.conf import settings

            body = f"{body}\n\n{settings.PORTAL_BASE_URL.rstrip('/')}{notification.url}"
        send_mail(notification.subject, body, None, [notification.recipient.email])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True
