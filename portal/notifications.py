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
        return _render_here(kind, context)


def _render_here(kind: str, context: dict[str, Any]) -> tuple[str, str]:
    """The subject and body in the active language."""
    subject = render_to_string(f"emails/{kind}_subject.txt", context)
    body = render_to_string(f"emails/{kind}.txt", context)
    return " ".join(subject.split())[:255], body.strip()


def _prepared(
    recipient: User, kind: str, obj: models.Model | None, context: dict[str, Any] | None
) -> tuple[Notification, dict[str, Any]]:
    """The notification without its texts yet, and the context its templates are drawn with."""
    context = {"recipient": recipient, "object": obj, **(context or {})}
    url = context.get("url") or (obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "")
    context["url"] = url
    context["absolute_url"] = f"{settings.PORTAL_BASE_URL.rstrip('/')}{url}" if url else ""
    notification = Notification(
        recipient=recipient,
        kind=kind,
        texts={},
        url=url,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=obj.pk if obj is not None else None,
    )
    return notification, context


def _written(notification: Notification, language: str, subject: str, body: str) -> None:
    notification.texts[language] = {"subject": subject, "body": body}
    if language == settings.LANGUAGE_CODE:
        notification.subject, notification.body = subject, body


def notification_build(
    recipient: User,
    kind: str,
    obj: models.Model | None = None,
    context: dict[str, Any] | None = None,
) -> Notification:
    """The notification `notify()` would store, not saved: its texts drawn in every language."""
    notification, context = _prepared(recipient, kind, obj, context)
    for language, _name in settings.LANGUAGES:
        _written(notification, language, *_render(context.get("template", kind), context, language))
    return notification


def notifications_build(
    items: list[tuple[User, str, models.Model | None, dict[str, Any]]],
) -> list[Notification]:
    """`notification_build` for many (recipient, kind, object, context) at once, drawn language by
    language (one switch of language for all of them, not two for each)."""
    prepared = [_prepared(*item) for item in items]
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for (notification, context), (_recipient, kind, _obj, _context) in zip(
                prepared, items, strict=True
            ):
                _written(notification, language, *_render_here(context.get("template", kind), context))
    return [notification for notification, _context in prepared]


def notify(
    recipient: User,
    kind: str,
    obj: models.Model | None = None,
    context: dict[str, Any] | None = None,
) -> Notification:
    """Tell `recipient` about `obj`; `kind` names the templates `emails/<kind>[_subject].txt`
    (or `context["template"]` does, when several kinds share one text)."""
    notification = notification_build(recipient, kind, obj, context)
    notification.save()
    if recipient.email:
        # the row is the outbox: if the broker is away, send_unsent_notifications mails it later
        transaction.on_commit(lambda: enqueue("portal.tasks.send_notification_email", notification.pk))
    return notification


# A task mails this many copies at most, one after the other (see mail_after_commit).
MAIL_BATCH = 200


def mail_after_commit(notification_ids: list[int]) -> None:
    """Queue the e-mail copies of many stored notifications once the transaction commits, a task
    per MAIL_BATCH of them instead of one each (the daily sweep writes tens of thousands). A batch
    the broker cannot take is mailed by the outbox sweep (`send_unsent_notifications`)."""
    ids = list(notification_ids)

    def enqueue_batches() -> None:
        for start in range(0, len(ids), MAIL_BATCH):
            enqueue("portal.tasks.send_notification_emails", ids[start : start + MAIL_BATCH])

    if ids:
        transaction.on_commit(enqueue_batches)


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


@shared_task(name="portal.tasks.send_notification_emails")
def send_notification_emails(notification_ids: list[int]) -> int:
    """Mail a batch of copies, each once and on its own (`send_notification_email`); how many."""
    return sum(send_notification_email(pk) for pk in notification_ids)


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
