"""Real processes for the fault drills (issue "Trust"): a Redis server of the drill's own on a
spare port (the shared one is never touched), the portal served by gunicorn, and the mails the
worker sends as files. Everything here is started by the drill and stopped by it."""

from __future__ import annotations

import email
import os
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from tests.worker import ROOT, database_url_of, wait_for


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class OwnRedis:
    """A redis-server of the drill's own, which it may stop and start again on the same port."""

    def __init__(self) -> None:
        self.port = spare_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        server = shutil.which("redis-server") or "redis-server"
        command = [server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert wait_for(lambda: answers(self.port), 20), "the drill's redis-server did not start"

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=20)
            self.process = None


@contextmanager
def own_redis() -> Iterator[OwnRedis]:
    redis = OwnRedis()
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


def environment(redis_url: str, mail: Path, **extra: str) -> dict[str, str]:
    """What the drill's web server and worker run with: the test database, the drill's Redis,
    mail written to files, plain HTTP on loopback."""
    return {
        **os.environ,
        "DATABASE_URL": database_url_of(connection.settings_dict),
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "drill-secret-key"),
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "AXES_ENABLED": "0",
        "EMAIL_FILE_PATH": str(mail),
        "EMAIL_HOST": "",
        **extra,
    }


@contextmanager
def web_server(folder: Path, env: dict[str, str]) -> Iterator[str]:
    """The portal under gunicorn (two workers, four threads each) on a spare port; yields its URL."""
    port = spare_port()
    command = [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", "2", "--threads", "4", "--timeout", "60"]  # fmt: skip
    log = (folder / "web.log").open("w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        up = wait_for(lambda: _status(f"{url}/accounts/login/") == 200, 60)
        assert up, (folder / "web.log").read_text()[-3000:]
        yield url
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)
        log.close()
        connection.close()


def _status(url: str) -> int:
    import requests

    try:
        return requests.get(url, timeout=5).status_code
    except requests.RequestException:
        return 0


def mailed(folder: Path) -> Counter:
    """How many times each notification was mailed, from the X-Portal-Notification header of
    every message the file backend wrote."""
    sent: Counter = Counter()
    for path in folder.glob("*.log"):
        for chunk in path.read_text(errors="replace").split("-" * 79):
            if chunk.strip():
                message = email.message_from_string(chunk.strip())
                if message["X-Portal-Notification"]:
                    sent[int(message["X-Portal-Notification"])] += 1
    return sent


def elapsed_since(start: float) -> float:
    return time.monotonic() - start
