"""One way to tell a person something: `notify()` stores an in-app notification and sends an
e-mail copy after the transaction commits (so a rolled-back change never mails anyone).

A notification is its kind and its object; its text is drawn from the kind's templates at the
moment it is sent — the facts of that moment (a due date, a state) — once in each language of
the portal, and shown in the reader's (`Notification.subject_text`, `body_text`). The e-mail goes
in the portal's default language, as the recipient has chosen none."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.models import Notification, User


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
        transaction.on_commit(lambda: send_notification_email.delay(notification.pk))
    return notification


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
            body = f"{body}\n\n{settings.PORTAL_BASE_URL.rstrip('/')}{notification.url}"
        send_mail(notification.subject, body, None, [notification.recipient.email])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True
