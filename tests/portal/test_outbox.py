"""A broker outage never turns a committed action into an error, and no e-mail is lost (issue
"Trust", defect 1): the notification row is the outbox; when the enqueue fails the user gets the
normal answer, and the outbox sweep mails the copy later, exactly once; a mail server that
refuses is retried with back-off."""

from __future__ import annotations

import datetime
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from portal.celery import app
from portal.models import Notification
from portal.notifications import RETRY_MINUTES, send_unsent_notifications
from tests.proposals.conftest import make_proposal


@pytest.fixture
def broker_down():
    """Every task sent is refused as by an unreachable Redis."""
    with mock.patch.object(app.Task, "apply_async", side_effect=OperationalError("Error 111 connecting")):
        yield


def age(minutes: int) -> None:
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=minutes))


@pytest.fixture(autouse=True)
def earlier_mail_sent(demo):
    """The demo's own notifications (its role assignments) count as mailed."""
    Notification.objects.update(emailed_at=timezone.now())


def test_a_submission_with_the_broker_down_answers_normally_and_mails_later(
    demo, as_, client, broker_down, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    api_draft, page_draft = make_proposal(demo["cadre_a"]), make_proposal(demo["cadre_a"])
    with django_capture_on_commit_callbacks(execute=True):
        api = as_("cadre_a").post(f"/api/v1/proposals/{api_draft.pk}/submit/", format="json")
    assert api.status_code == 200 and api.json()["status"] == "submitted"
    client.force_login(demo["cadre_a"])
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(f"/proposals/{page_draft.pk}/submit/")
    assert page.status_code == 302
    waiting = Notification.objects.filter(kind="proposal_submitted", emailed_at__isnull=True)
    assert waiting.count() == 2 and len(mail.outbox) == 0
    assert send_unsent_notifications() == 0  # not before a minute: the on-commit enqueue may still come
    age(2)
    assert send_unsent_notifications() == 2 and len(mail.outbox) == 2
    assert send_unsent_notifications() == 0 and len(mail.outbox) == 2  # exactly once
    assert not Notification.objects.filter(kind="proposal_submitted", emailed_at__isnull=True).exists()


def test_a_refusing_mail_server_is_retried_with_back_off(demo, settings, time_machine):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with mock.patch.object(app.Task, "apply_async", side_effect=OperationalError("down")):
        make_proposal(demo["cadre_a"], "submitted")
    age(2)
    with mock.patch(
        "portal.notifications.EmailMessage.send", side_effect=smtplib.SMTPServerDisconnected("bye")
    ):
        assert send_unsent_notifications() == 0
    notification = Notification.objects.get(kind="proposal_submitted")
    assert notification.email_attempts == 1 and notification.email_retry_at is not None
    assert send_unsent_notifications() == 0  # its back-off is not over
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=RETRY_MINUTES[0] + 1))
    assert send_unsent_notifications() == 1 and len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None and notification.email_attempts == 2
