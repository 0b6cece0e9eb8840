"""The periodic reminders, the monthly digest and a background report download, run by a real
Celery worker through Redis against PostgreSQL: each reminder reaches each person once, however
often the sweep runs, and the download's file is drawn by the worker."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from monitoring.models import ExportJob
from portal.models import Notification, SweepRun, Unit, User
from tests.monitoring.test_periodic import working_days_before
from tests.worker import running_worker, wait_for

DEADLINE = datetime.date(2027, 6, 30)
FIRST_OF_JULY = datetime.date(2027, 7, 1)  # a Thursday: the first working day of the month


@pytest.fixture
def worker(tmp_path):
    with running_worker(tmp_path, own_queue=True) as started:
        yield started


def sweep(queue: str, day: datetime.date, log) -> None:
    from portal.celery import app
    from portal.tasks import sweep_due

    app.conf.task_always_eager = False
    runs = SweepRun.objects.filter(day=day, finished_at__isnull=False).count()
    sweep_due.apply_async(args=[day.isoformat()], queue=queue)
    done = wait_for(lambda: SweepRun.objects.filter(day=day, finished_at__isnull=False).count() > runs, 90)
    assert done, log.read_text()[-4000:]


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_each_periodic_reminder_and_digest_once(worker):
    queue, log = worker
    call_command("seed_demo", "--force", "--organisation-only", verbosity=0)
    ten = working_days_before(DEADLINE, 10)
    for _ in range(2):
        sweep(queue, ten, log)
    due = Notification.objects.filter(kind="periodic_report_due")
    reminded = sorted(due.values_list("recipient__username", flat=True))
    assert reminded == ["head_a", "head_b", "head_top", "orgcom"]
    for _ in range(2):
        sweep(queue, FIRST_OF_JULY, log)
    digests = Notification.objects.filter(kind="monthly_digest")
    assert list(digests.values_list("recipient__username", flat=True)) == ["orgcom"]


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_worker_draws_a_background_download(worker):
    from monitoring.tasks import build_export
    from portal.celery import app

    queue, log = worker
    call_command("seed_demo", "--force", verbosity=0)
    now = timezone.now()
    job = ExportJob.objects.create(
        owner=User.objects.get(username="orgcom"), unit=Unit.objects.get(code="UBND"), kind="xlsx",
        period_start=datetime.date(now.year, 1, 1), period_end=now.date(), language="vi",
        expires_at=now + datetime.timedelta(days=7),
    )  # fmt: skip
    app.conf.task_always_eager = False
    build_export.apply_async(args=[job.pk], queue=queue)
    finished = wait_for(lambda: ExportJob.objects.get(pk=job.pk).status in ("done", "failed"), 90)
    assert finished, log.read_text()[-4000:]
    job.refresh_from_db()
    assert job.status == "done" and job.file.size > 0, log.read_text()[-4000:]
