"""Fault drills (issue "Trust", standing tests) with real processes: the portal under gunicorn,
a Celery worker with beat, PostgreSQL, and a Redis of the drill's own on a spare port — the
shared Redis and PostgreSQL server are never stopped.

1. The broker stopped for 60 seconds while a cadre keeps submitting: no request fails, and
   after Redis is back every notification is mailed exactly once (the outbox).
2. The worker killed with SIGKILL in the middle of a sweep and started again: every reminder is
   sent exactly once.
3. PostgreSQL connections of the web server dropped (`pg_terminate_backend`) under load: the
   requests caught in the drop fail cleanly (503 with Retry-After, never a 500) and the next ones
   succeed without a hand."""

from __future__ import annotations

import datetime
import os
import signal
import threading
import time
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from portal.models import Notification, SweepRun
from tests.drills import elapsed_since, environment, mailed, own_redis, web_server
from tests.proposals.conftest import make_proposal
from tests.trust import record
from tests.worker import running_worker, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.campaign, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-Pass-2026"
OUTAGE_SECONDS = 60


def token(url: str, username: str) -> str:
    import requests

    response = requests.post(f"{url}/api/v1/auth/token/", json={"username": username, "password": PASSWORD},
                             timeout=30)  # fmt: skip
    assert response.status_code == 200, response.text
    return response.json()["token"]


@pytest.fixture(autouse=True)
def real_passwords(demo, settings):
    """The servers the drills start hash passwords as in production, not with the tests' fast
    hasher: the person who signs in there gets a password hashed that way."""
    from portal.models import User

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    person = User.objects.get(username="cadre_a")
    person.set_password(PASSWORD)
    person.save(update_fields=["password"])


@pytest.fixture
def quiet_outbox(demo):
    """The demo's own notifications (its role assignments) count as mailed."""
    Notification.objects.update(emailed_at=timezone.now())


def test_the_broker_stopped_for_a_minute_loses_nothing(demo, quiet_outbox, tmp_path):
    import requests

    drafts = [make_proposal(demo["cadre_a"]) for _ in range(30)]
    mail = tmp_path / "mail"
    mail.mkdir()
    with own_redis() as redis:
        env = environment(redis.url, mail, OUTBOX_EVERY_SECONDS="5")
        with web_server(tmp_path, env) as url, running_worker(tmp_path, beat=True, env=env) as (_queue, log):
            headers = {"Authorization": f"Token {token(url, 'cadre_a')}"}
            statuses, started, stopped_for = Counter(), time.monotonic(), 0.0
            for number, draft in enumerate(drafts):
                if number == 5:
                    redis.stop()
                    stopped = time.monotonic()
                if number == 25:
                    time.sleep(max(0.0, OUTAGE_SECONDS - elapsed_since(stopped)))
                    stopped_for = elapsed_since(stopped)
                    redis.start()
                response = requests.post(
                    f"{url}/api/v1/proposals/{draft.pk}/submit/", headers=headers, timeout=60
                )
                statuses[response.status_code] += 1
                time.sleep(2.5)
            submitted = Notification.objects.filter(
                kind="proposal_submitted", object_id__in=[d.pk for d in drafts]
            )
            expected = set(submitted.values_list("pk", flat=True))
            delivered = wait_for(lambda: set(mailed(mail)) >= expected, 180)
            time.sleep(10)  # a duplicate would come now, if at all
            sent = mailed(mail)
    figures = {
        "outage_seconds": round(stopped_for), "requests": sum(statuses.values()), "failed_requests":
        sum(n for code, n in statuses.items() if code != 200), "notifications": len(expected),
        "mailed": len(set(sent) & expected), "lost": len(expected - set(sent)),
        "duplicates": sum(1 for pk in expected if sent[pk] > 1), "seconds": round(elapsed_since(started)),
    }  # fmt: skip
    record("drill_broker_outage", **figures)
    assert statuses == Counter({200: len(drafts)}), statuses
    assert stopped_for >= OUTAGE_SECONDS and len(expected) == len(drafts)
    assert delivered, (figures, log.read_text()[-3000:])
    assert all(sent[pk] == 1 for pk in expected), figures
    assert not Notification.objects.filter(pk__in=expected, emailed_at__isnull=True).exists()


def test_the_worker_killed_in_the_middle_of_a_sweep_sends_each_reminder_once(demo, quiet_outbox, tmp_path):
    from celery import Celery

    from portal.workdays import add_working_days, is_working_day

    proposals = [make_proposal(demo["cadre_a"], "submitted") for _ in range(200)]
    Notification.objects.update(emailed_at=timezone.now())
    due = proposals[0].decision_due
    earlier = (due - datetime.timedelta(days=n) for n in range(1, 15))
    day = next(d for d in earlier if is_working_day(d) and add_working_days(d, 2) == due)
    mail = tmp_path / "mail"
    mail.mkdir()
    reminders = Notification.objects.filter(kind="proposal_due_soon")
    with own_redis() as redis:
        # Chunks of ten proposals, each its own task and transaction: the kill lands between them.
        env = environment(redis.url, mail, OUTBOX_EVERY_SECONDS="5", PORTAL_SWEEP_IDS_PER_CHUNK="10")
        sender = Celery(broker=redis.url)  # tasks go to the drill's Redis, by name, as beat sends them
        with running_worker(tmp_path, env=env) as (_queue, log):
            sender.send_task("portal.tasks.sweep_due", args=[day.isoformat()])
            caught = wait_for(lambda: reminders.exists(), 60, every=0.05)  # the kill must land mid-sweep
            os.kill(int((tmp_path / "worker.pid").read_text()), signal.SIGKILL)  # mid-sweep
            partly = reminders.count()
        with running_worker(tmp_path, beat=True, env=env) as (_queue, log):
            sender.send_task("portal.tasks.sweep_due", args=[day.isoformat()])  # as the next beat would
            finished = wait_for(
                lambda: SweepRun.objects.filter(day=day, finished_at__isnull=False).exists(), 120
            )
            expected = set(reminders.values_list("pk", flat=True))
            delivered = wait_for(lambda: set(mailed(mail)) >= expected, 150)
            sent = mailed(mail)
    per_item = Counter(reminders.values_list("object_id", flat=True))
    figures = {
        "items": len(proposals), "reminders_before_the_kill": partly, "reminders": reminders.count(),
        "duplicates": sum(1 for n in per_item.values() if n > 1), "mailed": len(set(sent) & expected),
        "lost": len(expected - set(sent)),
    }  # fmt: skip
    record("drill_worker_killed", **figures)
    assert caught and finished, log.read_text()[-3000:]
    assert 0 < partly < len(proposals), figures  # the kill came in the middle
    assert set(per_item) == {p.pk for p in proposals} and all(n == 1 for n in per_item.values()), figures
    assert delivered and all(sent[pk] == 1 for pk in expected), figures


def test_dropped_database_connections_fail_cleanly_and_recover(demo, tmp_path):
    import requests

    mail = tmp_path / "mail"
    mail.mkdir()
    with own_redis() as redis, web_server(tmp_path, environment(redis.url, mail)) as url:
        headers = {"Authorization": f"Token {token(url, 'cadre_a')}"}
        statuses, stop, lock = Counter(), threading.Event(), threading.Lock()

        def load() -> None:
            session = requests.Session()
            while not stop.is_set():
                response = session.get(f"{url}/api/v1/proposals/", headers=headers, timeout=60)
                with lock:
                    statuses[response.status_code] += 1
                    if response.status_code == 503:
                        assert response.headers.get("Retry-After") and response.json()["detail"]

        threads = [threading.Thread(target=load) for _ in range(4)]
        for thread in threads:
            thread.start()
        dropped = 0
        for _round in range(5):
            time.sleep(2)
            dropped += _drop_connections()
        time.sleep(2)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        after = [
            requests.get(f"{url}/api/v1/proposals/", headers=headers, timeout=30).status_code
            for _ in range(10)
        ]
    figures = {
        "connections_dropped": dropped, "requests": sum(statuses.values()), "answered_503": statuses[503],
        "server_errors": sum(n for code, n in statuses.items() if code >= 500 and code != 503),
        "ok_after": after.count(200), "statuses": dict(statuses),
    }  # fmt: skip
    record("drill_database_dropped", **figures)
    assert dropped > 0 and statuses[200] > 0, figures
    assert set(statuses) <= {200, 503}, figures
    assert after == [200] * 10, figures


def _drop_connections() -> int:
    """Terminate the other sessions on the test database (the web server's): not this one."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]
