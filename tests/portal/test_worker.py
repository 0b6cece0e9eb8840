"""A real Celery worker with beat, against Redis and PostgreSQL, runs the periodic sweep."""

import pytest

from portal.models import SweepRun
from tests.worker import running_worker, wait_for


@pytest.fixture
def worker(tmp_path):
    with running_worker(tmp_path, beat=True, env={"SWEEP_EVERY_SECONDS": "2"}) as started:
        yield started


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_with_beat_runs_the_periodic_sweep(worker, tmp_path):
    seen = wait_for(lambda: SweepRun.objects.filter(finished_at__isnull=False).count() >= 2, 90)
    assert seen, (tmp_path / "worker.log").read_text()[-4000:]


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_task_sent_through_redis_reaches_the_worker(worker, tmp_path):
    from portal.celery import app
    from portal.tasks import sweep_due

    app.conf.task_always_eager = False
    sweep_due.delay("2031-01-02")
    seen = wait_for(lambda: SweepRun.objects.filter(day="2031-01-02").exists(), 90)
    assert seen, (tmp_path / "worker.log").read_text()[-4000:]
