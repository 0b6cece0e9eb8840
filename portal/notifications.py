"""One way to tell a person something: `notify()` stores an in-app notification and sends an
e-mail copy after the transaction commits (so a rolled-back change never mails anyone).

A notification is its kind and its object; its text is drawn from the kind's templates at the
moment it is sent — the facts of that moment (a due date, a state) — once in each language of
the portal, and shown in the reader's (`Notification.subject_text`, `body_text`). The e-mail goes
in the portal's default language, as the recipient has chosen none.

The notification row is the outbox: written in the transaction of the change, it is the source of
truth for the e-mail. The copy is enqueued after commit when the broker answers; whatever was not
sent (the broker was away, the mail server refused) is sent by `send_unsent_notifications`, a beat
task, with back-off — each copy exactly once (the row is locked and stamped when it is sent)."""

from __future__ import annotations

import datetime
import logging
import smtplib
from typing import Any

from celery import shared_task
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.celery import enqueue
from portal.models import Notification, User

logger = logging.getLogger(__name__)


def _render(kind: str, context: dict[str, Any], language: str) -> tuple[str, str]:
    with translation.override(language):
        subject = render_to_string(f"emails/{kind}_subject.txt", context)
        body = render_to_string(f"emails/{kind}.txt", context)
    return " ".join(subject.split())[:255], body.strip()


def notify(
    recipient: User,
    kind: str,
    obj: models.Model | None = None,
    context: dict[str, Any] | None = None,
) -> Notification:
    """Tell `recipient` about `obj`; `kind` names the templates `emails/<kind>[_subject].txt`
    (or `context["template"]` does, when several kinds share one text)."""
    context = {"recipient": recipient, "object": obj, **(context or {})}
    url = context.get("url") or (obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "")
    context["url"] = url
    context["absolute_url"] = f"{settings.PORTAL_BASE_URL.rstrip('/')}{url}" if url else ""
    template = context.get("template", kind)
    texts = {}
    for language, _name in settings.LANGUAGES:
        subject, body = _render(template, context, language)
        texts[language] = {"subject": subject, "body": body}
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        subject=texts[settings.LANGUAGE_CODE]["subject"],
        body=texts[settings.LANGUAGE_CODE]["body"],
        texts=texts,
        url=url,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=obj.pk if obj is not None else None,
    )
    if recipient.email:
        # the row is the outbox: if the broker is away, send_unsent_notifications mails it later
        transaction.on_commit(lambda: enqueue("portal.tasks.send_notification_email", notification.pk))
    return notification


# Minutes to wait before each new attempt after a mail server refused a copy.
RETRY_MINUTES = (1, 5, 15, 60, 240, 720)


@shared_task(name="portal.tasks.send_notification_email")
def send_notification_email(notification_id: int) -> bool:
    """Mail one notification's copy, once: the row is locked and stamped in one transaction; a
    refusal of the mail server is counted and the next attempt put off (back-off)."""
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
            body = f"{body}\n\n{settings.PORTAL_BASE_URL.rstrip('/')}{notification.url}"
        notification.email_attempts += 1
        try:
            message = EmailMessage(notification.subject, body, to=[notification.recipient.email],
                                   headers={"X-Portal-Notification": str(notification.pk)})  # fmt: skip
            message.send()
        except (OSError, smtplib.SMTPException):
            wait = RETRY_MINUTES[min(notification.email_attempts, len(RETRY_MINUTES)) - 1]
            notification.email_retry_at = timezone.now() + datetime.timedelta(minutes=wait)
            notification.save(update_fields=["email_attempts", "email_retry_at"])
            logger.warning(
                "mail of notification %s refused; attempt %s", notification.pk, notification.email_attempts
            )
            return False
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at", "email_attempts"])
    return True


@shared_task(name="portal.tasks.send_unsent_notifications")
def send_unsent_notifications(limit: int = 500) -> int:
    """The outbox sweep: mail every copy still unsent — its enqueue failed (the broker was away)
    or the mail server refused it and its back-off is over — oldest first; returns how many."""
    now = timezone.now()
    waiting = Notification.objects.filter(
        emailed_at__isnull=True, recipient__email__gt="", email_attempts__lt=len(RETRY_MINUTES) + 1
    ).filter(
        Q(email_retry_at__isnull=True, created_at__lte=now - datetime.timedelta(minutes=1))
        | Q(email_retry_at__lte=now)
    )
    ids = list(waiting.order_by("created_at", "pk").values_list("pk", flat=True)[:limit])
    return sum(send_notification_email(pk) for pk in ids)
