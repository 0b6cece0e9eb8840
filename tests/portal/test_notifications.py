"""notify(): an in-app row now, an e-mail after commit; the daily sweep sends each reminder once."""

import datetime

import pytest
from django.core import mail
from django.db import transaction

from portal import reminders
from portal.models import Notification, ReminderLog, SweepRun, Unit
from portal.notifications import notify
from portal.tasks import send_notification_email, sweep_due


def test_notify_stores_the_notification_and_mails_after_commit(demo, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    cadre = demo["cadre_a"]
    assignment = cadre.role_assignments.get()
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(cadre, "role_assigned", assignment, {"assignment": assignment})
    assert notification.recipient == cadre
    assert "Cán bộ" in notification.subject
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [cadre.email]
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_a_rolled_back_change_mails_no_one(demo):
    mail.outbox.clear()
    cadre = demo["cadre_a"]
    assignment = cadre.role_assignments.get()
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(cadre, "role_assigned", assignment, {"assignment": assignment})
        raise RuntimeError("the change failed")
    assert mail.outbox == []


def test_the_mail_task_sends_a_notification_only_once(demo):
    mail.outbox.clear()
    notification = demo["cadre_a"].notifications.get()
    Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
    assert send_notification_email(notification.pk) is True
    assert send_notification_email(notification.pk) is False
    assert len(mail.outbox) == 1


def due_units(day: datetime.date):
    """A stand-in provider: the head of every open unit is reminded about it."""
    for unit in Unit.objects.open().filter(role_assignments__role="head").distinct():
        head = unit.role_assignments.get(role="head", ended_on__isnull=True).user
        yield reminders.Reminder(
            recipient=head,
            kind="role_assigned",
            obj=unit,
            context={"assignment": unit.role_assignments.get(role="head")},
        )


@pytest.fixture
def only_this_provider(monkeypatch):
    """The sweep's mechanics alone: the apps' own providers (which have their days) set aside."""
    monkeypatch.setattr(reminders, "_providers", [])


@pytest.fixture
def provider(only_this_provider):
    reminders.register(due_units)
    yield due_units
    reminders.unregister(due_units)


def test_the_sweep_sends_each_reminder_once_even_when_run_twice(demo, provider):
    day = datetime.date(2026, 12, 1)
    assert sweep_due(day.isoformat()) == 3
    assert sweep_due(day.isoformat()) == 0
    assert ReminderLog.objects.filter(day=day).count() == 3
    assert set(ReminderLog.objects.values_list("recipient__username", flat=True)) == {
        "head_top",
        "head_a",
        "head_b",
    }
    assert SweepRun.objects.filter(day=day).count() == 2


def test_the_next_day_reminds_again(demo, provider):
    sweep_due("2026-12-01")
    assert sweep_due("2026-12-02") == 3


def test_the_sweep_without_providers_runs_and_records_itself(demo, only_this_provider):
    assert sweep_due() == 0
    run = SweepRun.objects.get()
    assert run.finished_at is not None


def test_the_beat_schedule_names_a_registered_task(settings):
    from portal.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
