"""One way to tell a person something: `notify()` stores an in-app notification and sends an
e-mail copy after the transaction commits (so a rolled-back change never mails anyone)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import translation

from portal.models import Notification, User


def _render(kind: str, context: dict[str, Any]) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
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
    subject, body = _render(context.get("template", kind), context)
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        subject=subject,
        body=body,
        url=url,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=obj.pk if obj is not None else None,
    )
    if recipient.email:
        from portal.tasks import send_notification_email

        transaction.on_commit(lambda: send_notification_email.delay(notification.pk))
    return notification
