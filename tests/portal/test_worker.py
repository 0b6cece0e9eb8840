"""A real Celery worker with beat, against Redis and PostgreSQL, runs the periodic sweep."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from portal.models import SweepRun

ROOT = Path(__file__).resolve().parents[2]


def database_url_of(settings_dict) -> str:
    """The DATABASE_URL of the test database pytest-django created, for the worker process."""
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


@pytest.fixture
def worker(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of(connection.settings_dict),
        "SWEEP_EVERY_SECONDS": "2",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-B",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--schedule",
            str(tmp_path / "beat-schedule"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    log.close()
    connection.close()


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
