"""A real Celery worker in a subprocess, against the test database pytest-django created; used
by the tests that need Redis and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def database_url_of(settings_dict) -> str:
    """The DATABASE_URL of the test database, for the worker process."""
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


def wait_for(predicate, seconds: float, every: float = 0.5) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False


@contextmanager
def running_worker(
    folder: Path, *, beat: bool = False, own_queue: bool = False, env: dict | None = None
) -> Iterator:
    """Start a worker (with beat, or on a queue of its own so no other worker takes its tasks);
    yields (queue or None, path of its log). The worker is stopped on leaving."""
    queue = f"test-{uuid.uuid4().hex[:12]}" if own_queue else None
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--loglevel=INFO"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    if beat:
        command += ["-B", "--schedule", str(folder / "beat-schedule")]
    if queue:
        command += ["-Q", queue]
    environment = {
        **os.environ,
        "DATABASE_URL": database_url_of(connection.settings_dict),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        **(env or {}),
    }
    log_path = folder / "worker.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        (folder / "worker.pid").write_text(str(process.pid))  # a fault drill kills it
        try:
            yield queue, log_path
        finally:
            _stop(process)
            connection.close()


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the worker's process group, SIGKILL if it lingers; a group a drill already
    killed is simply gone."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except ProcessLookupError:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)
