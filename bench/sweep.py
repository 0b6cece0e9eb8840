"""The daily sweep at national size with a real Celery worker (issue "Scale", goal P5: ≤ 30 s
over 100,000 active pilots, each reminder exactly once).

`bench_scale` (made by `manage.py generate_scale_data`) is never written to: it is copied first
(`CREATE DATABASE bench_sweep TEMPLATE bench_scale`, retried while someone else is connected to
it, else `pg_dump | psql`), the copy migrated, a Redis of our own started on a spare port and a
worker (2 processes, as on the 2-core machine) pointed at both. `portal.tasks.sweep_due` is sent
as beat sends it; the wall time runs until the run's SweepRun is finished (its last chunk). Then
the worker is stopped, the e-mail copies it queued are counted and dropped (the notification rows
are their outbox), and the sweep is sent a second time: it must send nothing. The copy is dropped
at the end. Run: `.venv/bin/python bench/sweep.py`.
"""

from __future__ import annotations

import datetime
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import write_section  # noqa: E402

SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
SOURCE, COPY = "bench_scale", "bench_sweep"
REDIS_PORT = int(os.environ.get("BENCH_REDIS_PORT", "6391"))
BEFORE = {"pilots": "99,973", "reminders": 67_455, "seconds": 484, "second_run_seconds": 84}
GOAL_SECONDS = 30


def psql(database: str, sql: str) -> str:
    done = subprocess.run(
        ["psql", f"{SERVER}/{database}", "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout.strip()


def copy_database() -> float:
    started = time.monotonic()
    psql("postgres", f"DROP DATABASE IF EXISTS {COPY}")
    for _attempt in range(10):
        try:
            psql("postgres", f"CREATE DATABASE {COPY} TEMPLATE {SOURCE}")
            return time.monotonic() - started
        except subprocess.CalledProcessError as error:  # another session is connected to the source
            print("template copy refused, retrying:", error.stderr.strip(), file=sys.stderr)
            time.sleep(5)
    psql("postgres", f"CREATE DATABASE {COPY}")
    dump = subprocess.Popen(["pg_dump", "--no-owner", f"{SERVER}/{SOURCE}"], stdout=subprocess.PIPE)
    subprocess.run(
        ["psql", "-q", f"{SERVER}/{COPY}"], stdin=dump.stdout, check=True, stdout=subprocess.DEVNULL
    )
    dump.wait()
    return time.monotonic() - started


def environment(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{COPY}",
        "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_SECRET_KEY": os.environ.get(
            "DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789"
        ),
        "DJANGO_DEBUG": "0",
        "EMAIL_FILE_PATH": str(folder / "mail"),
    }


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("a"), stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def redis(*args: str) -> str:
    command = ["redis-cli", "-p", str(REDIS_PORT), *args]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    command = [str(ROOT / ".venv/bin/celery"), "-A", "portal", "worker", "--concurrency=2", "--loglevel=INFO"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    process = start(command, env, log)
    deadline = time.monotonic() + 60
    while "ready." not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    return process


def one_run(day: datetime.date, env: dict[str, str], log: Path) -> dict:
    """Send the sweep as beat does and wait for its run to finish; its figures."""
    from celery import Celery

    last = int(psql(COPY, "SELECT COALESCE(MAX(id), 0) FROM portal_sweeprun"))
    log.write_text("")
    process = worker(env, log)
    started = time.monotonic()
    Celery(broker=env["REDIS_URL"]).send_task("portal.tasks.sweep_due", args=[day.isoformat()])
    row = ""
    while time.monotonic() - started < 1800:
        row = psql(
            COPY,
            "SELECT id, reminders_sent, EXTRACT(EPOCH FROM finished_at - started_at), "
            f"(SELECT COUNT(*) FROM portal_sweepchunk c WHERE c.run_id = r.id) FROM portal_sweeprun r "
            f"WHERE id > {last} AND finished_at IS NOT NULL",
        )
        if row:
            break
        time.sleep(0.25)
    wall = time.monotonic() - started
    stop(process)
    if not row:
        raise SystemExit(f"the sweep did not finish in 30 minutes; see {log}")
    run_id, sent, in_database, chunks = row.split("|")
    tasks = [
        float(s)
        for s in re.findall(r"portal\.tasks\.sweep_chunk\[[^\]]+\] succeeded in ([0-9.]+)s", log.read_text())
    ]
    return {
        "run": int(run_id), "sent": int(sent), "wall": wall, "in_database": float(in_database),
        "chunks": int(chunks), "longest_chunk": max(tasks, default=0.0),
        "mail_tasks": int(redis("LLEN", "celery") or 0),
    }  # fmt: skip


def queries_per_chunk(day: datetime.date, env: dict[str, str]) -> str:
    """One chunk of the pilots in-process, rolled back: its queries and reminders."""
    code = f"""
import datetime, django
django.setup()
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from pilots.tasks import pilot_reminders
from portal import reminders, workdays
day = datetime.date.fromisoformat("{day.isoformat()}")
class Undo(Exception):
    pass
try:
    with CaptureQueriesContext(connection) as queries, workdays.snapshot(), transaction.atomic():
        sent = reminders.send_all(pilot_reminders(day, ids=(0, reminders.IDS_PER_CHUNK)), day)
        raise Undo
except Undo:
    pass
print(len(queries), sent)
"""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip().splitlines()[-1]


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    (folder / "mail").mkdir()
    env = environment(folder)
    copied = copy_database()
    redis_server = None
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
        active = int(psql(COPY, "SELECT COUNT(*) FROM pilots_pilot WHERE status = 'active'"))
        redis_log = folder / "redis.log"
        command = ["redis-server", "--port", str(REDIS_PORT), "--save", "", "--appendonly", "no"]
        redis_server = start([*command, "--daemonize", "no"], env, redis_log)
        time.sleep(1)
        day = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=7))).date()  # Hanoi
        queries, chunk_sent = map(int, queries_per_chunk(day, env).split())
        log = folder / "worker.log"
        first = one_run(day, env, log)
        redis("FLUSHALL")  # our own Redis: the queued e-mail copies stay in the outbox (unsent rows)
        second = one_run(day, env, log)
        logged = int(psql(COPY, f"SELECT COUNT(*) FROM portal_reminderlog WHERE day = '{day.isoformat()}'"))
        duplicates = int(
            psql(
                COPY,
                "SELECT COUNT(*) FROM (SELECT 1 FROM portal_notification n JOIN portal_reminderlog l "
                "ON l.notification_id = n.id GROUP BY n.recipient_id, n.kind, n.content_type_id, "
                "n.object_id, l.day HAVING COUNT(*) > 1) d",
            )
        )
    finally:
        if redis_server is not None:
            stop(redis_server)
        psql("postgres", f"DROP DATABASE IF EXISTS {COPY}")
    met = (
        first["wall"] <= GOAL_SECONDS and second["sent"] == 0 and duplicates == 0 and logged == first["sent"]
    )
    rate = first["sent"] / first["wall"]
    lines = [
        f"## Daily sweep at national size ({day:%d/%m/%Y}, postgresql, {active:,} active pilots)",
        "",
        f"A copy of `{SOURCE}` (copied in {copied:.0f} s), one real Celery worker (2 processes) and a Redis",
        "of its own; `portal.tasks.sweep_due` sent as beat sends it, timed until its run's last chunk",
        "finished. Every provider's reminders for the day (pilots, proposals, cases, obstacles, periodic",
        "reports) — many more than the issue counted, as the copy has 66,000 proposals overdue too.",
        "",
        "| | before (issue) | first run | second run |",
        "|---|---|---|---|",
        f"| wall time (s) | {BEFORE['seconds']} | {first['wall']:.1f} | {second['wall']:.1f} |",
        f"| reminders sent | {BEFORE['reminders']:,} | {first['sent']:,} | {second['sent']:,} |",
        f"| ms per reminder | 7.2 | {1000 * first['wall'] / max(first['sent'], 1):.2f} | – |",
        f"| reminders per second | {BEFORE['reminders'] / BEFORE['seconds']:.0f} | {rate:,.0f} | – |",
        f"| chunks (tasks) | 1 | {first['chunks']} | {second['chunks']} |",
        f"| longest chunk task (s; soft limit 240) | 484 | {first['longest_chunk']:.1f} "
        f"| {second['longest_chunk']:.1f} |",
        f"| e-mail tasks queued | {BEFORE['reminders']:,} (one per copy) "
        f"| {first['mail_tasks']:,} (200 copies each) | {second['mail_tasks']} |",
        "",
        f"Queries: one chunk of {chunk_sent:,} pilot reminders took {queries} queries "
        f"({queries / max(chunk_sent, 1):.4f} per reminder; before: 5.3). Exactly once: {logged:,} log rows",
        f"for the day, {duplicates} reminder sent twice, the second run sent {second['sent']}.",
        "",
        f"Goal P5 (≤ {GOAL_SECONDS} s, exactly once): **{'met' if met else 'not met'}**"
        + (
            ""
            if met
            else f" — exactly once holds; the time is {first['wall']:.0f} s for {first['sent']:,} reminders"
        ),
    ]
    write_section("sweep", lines)


if __name__ == "__main__":
    main()
