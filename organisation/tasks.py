"""The daily job — reorganisations whose effective date has come are applied before the day's
reminders go out (registered with the sweep in `apps.py`), so each reminder reaches the head who
inherited the record — and the welcome e-mails of the people an import made."""

from __future__ import annotations

import datetime

from celery import shared_task


def apply_due_reorganisations(day: datetime.date) -> int:
    from organisation.services import apply_due

    return apply_due(day)


@shared_task(name="organisation.tasks.send_welcome")
def send_welcome(user_ids: list[int]) -> int:
    """E-mail each person an imported account was made for a link to set their password (Django's
    password-reset token: made now, never stored, valid for PASSWORD_RESET_TIMEOUT, spent once the
    password is set). In the portal's default language; how many were sent."""
    from django.conf import settings
    from django.contrib.auth.tokens import default_token_generator
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from portal.models import User

    sent = 0
    for person in User.objects.filter(pk__in=user_ids, is_active=True).exclude(email=""):
        if person.has_usable_password():
            continue  # they have set one meanwhile
        uid = urlsafe_base64_encode(force_bytes(person.pk))
        path = reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(person)])
        context = {"recipient": person, "url": f"{settings.PORTAL_BASE_URL.rstrip('/')}{path}"}
        subject = " ".join(render_to_string("emails/welcome_subject.txt", context).split())
        EmailMessage(
            subject, render_to_string("emails/welcome.txt", context).strip(), to=[person.email]
        ).send()
        sent += 1
    return sent
