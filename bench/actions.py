"""The slow steps a person waits for (issue "A government service people can use"): signing in,
attaching a file, setting up a pilot, reviewing a report, closing a corrective action — each
through its real view on the demo, timed on the server (in process, no network), with where its
time goes: the SQL (count and milliseconds, timed around every query) and the rest (Python:
the password hash, templates, the audit chain), and the functions of the portal that cost most
(cProfile of one request). Goal: each under 0.3 s. Writes its section of bench/RESULTS.md.

Runs on a database of its own (`bench_actions` on the PostgreSQL server of DATABASE_URL, or a
temporary SQLite file):

    make bench                      # or: .venv/bin/python bench/actions.py [--runs N]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
GOAL_MS = 300
OURS = ("/portal/", "/proposals/", "/pilots/", "/support/", "/accountability/", "/evidence/", "/monitoring/")
HASHERS = "/django/contrib/auth/hashers"  # a sign-in's cost is the password hash, in Django's code
WRAPPERS = ("<module>", "wrapper", "__call__", "inner", "_view_wrapper")  # middleware and decorators


class SqlClock:
    """Every query's count and time, around the connection (django.db execute_wrapper)."""

    def __init__(self) -> None:
        self.queries, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries += 1
            self.seconds += time.perf_counter() - began


def timed(request) -> tuple[float, SqlClock]:
    from django.db import connection

    clock = SqlClock()
    with connection.execute_wrapper(clock):
        began = time.perf_counter()
        answer = request()
        elapsed = time.perf_counter() - began
    assert answer.status_code in (200, 302), (answer.status_code, answer.content[:500])
    return elapsed, clock


def hottest(request) -> str:
    """The portal's own functions that cost most in one request (cumulative), by name."""
    profile = cProfile.Profile()
    profile.runcall(request)
    stats = pstats.Stats(profile, stream=io.StringIO()).stats
    ours = [
        (cumulative, f"{Path(file).parent.name}.{Path(file).stem}.{name}")
        for (file, _line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.items()
        if ((any(part in file for part in OURS) and "/.venv/" not in file) or HASHERS in file)
        and name not in WRAPPERS
    ]
    ours.sort(reverse=True)
    seen, names = set(), []
    for cumulative, name in ours:
        if name not in seen:
            seen.add(name)
            names.append(f"{name} {cumulative * 1000:.0f}")
        if len(names) == 4:
            break
    return "; ".join(names)


def scenarios(runs: int) -> dict[str, list]:
    """Each step as a list of requests, one per run, each on its own fresh object."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client, override_settings

    from pilots import services as pilot_services
    from pilots.models import CorrectiveAction, Pilot, ProgressReport
    from portal.models import User
    from tests.files import PDF
    from tests.pilots.conftest import pilot_body
    from tests.proposals.conftest import make_proposal

    people = {user.username: user for user in User.objects.all()}
    password = os.environ.get("DEMO_PASSWORD", "demo-Pass-2026")

    def as_(username: str) -> Client:
        client = Client()
        client.force_login(people[username])
        return client

    def sign_in():
        return Client().post("/accounts/login/", {"username": "cadre_a", "password": password})

    # The same sign-in with the hasher before (PBKDF2, a million rounds), for the comparison.
    pbkdf2 = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    with override_settings(PASSWORD_HASHERS=pbkdf2):
        people["cadre_a2"].set_password(password)
        people["cadre_a2"].save(update_fields=["password"])

    def sign_in_before():
        with override_settings(PASSWORD_HASHERS=pbkdf2):
            return Client().post("/accounts/login/", {"username": "cadre_a2", "password": password})

    cadre, head, inspector = as_("cadre_a"), as_("head_a"), as_("inspector")
    approved = [make_proposal(people["cadre_a"], "approved") for _ in range(runs * 2)]
    running = []
    for proposal in approved[runs:]:
        body = pilot_body(proposal.pk)
        pilot = pilot_services.pilot_create(
            actor=people["head_a"], proposal=proposal, start_date=datetime.date.today(),
            end_date=datetime.date.today() + datetime.timedelta(days=180), report_frequency="monthly",
            budget_vnd=body["budget_vnd"], implementers=[people["cadre_a"]], indicators=body["indicators"],
        )  # fmt: skip
        running.append(pilot_services.pilot_start(pilot=pilot, actor=people["head_a"]))
    reports = []
    for pilot in running:
        first = pilot.reports.order_by("period_end").first()
        reports.append(pilot_services.report_submit(
            actor=people["cadre_a"], pilot=pilot, period_end=first.period_end, summary="Tiến độ kỳ đầu",
            progress_percent=10,
        ))  # fmt: skip
    for pilot in running:
        pilot_services.inspection_record(
            actor=people["inspector"], pilot=Pilot.objects.get(pk=pilot.pk), findings="Chậm tiến độ",
            severity="minor", corrective_actions="Bổ sung nhân lực",
            due_date=datetime.date.today() + datetime.timedelta(days=10),
        )  # fmt: skip
    actions = list(CorrectiveAction.objects.filter(closed_on=None).order_by("id")[:runs])
    assert all(r.status == ProgressReport.Status.SUBMITTED for r in reports)

    def create(proposal):
        body = pilot_body(proposal.pk)
        start, end = datetime.date.today(), datetime.date.today() + datetime.timedelta(days=180)
        return lambda: head.post(f"/pilots/new/{proposal.pk}/", {
            "start_date": f"{start:%d/%m/%Y}", "end_date": f"{end:%d/%m/%Y}", "report_frequency": "monthly",
            "budget_vnd": str(body["budget_vnd"]), "resources": body["resources"], "scope": "",
            "implementers": "cadre_a", "indicators": "Thời gian xử lý hồ sơ; ngày; 45; 15",
        })  # fmt: skip

    def attach(pilot):
        upload = SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")
        return lambda: cadre.post(
            f"/pilots/{pilot.pk}/attachments/", {"file": upload, "description": "Biên bản"}
        )

    def review(report):
        return lambda: head.post(
            f"/pilots/{report.pilot_id}/review/", {"report": report.pk, "accept": "true"}
        )

    def close(action):
        pilot_id = action.inspection.pilot_id
        return lambda: inspector.post(
            f"/pilots/{pilot_id}/close-action/", {"action": action.pk, "note": "Đã bổ sung"}
        )

    return {
        "sign in (Argon2)": [sign_in for _ in range(runs)],
        "sign in as before (PBKDF2), for comparison": [sign_in_before for _ in range(runs)],
        "attach a file to a pilot": [attach(pilot) for pilot in running],
        "set up a pilot": [create(proposal) for proposal in approved[:runs]],
        "review a progress report": [review(report) for report in reports],
        "close a corrective action": [close(action) for action in actions],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=12)
    args = parser.parse_args()
    from summary import demo_organisation

    with demo_organisation("bench_actions") as vendor:
        from django.conf import settings

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        rows = []
        for name, requests in scenarios(args.runs).items():
            profiled = requests.pop()  # the last of each is profiled, the others timed
            samples = [timed(request) for request in requests]
            total = statistics.median(elapsed for elapsed, _clock in samples)
            sql = statistics.median(clock.seconds for _elapsed, clock in samples)
            queries = statistics.median(clock.queries for _elapsed, clock in samples)
            rows.append((name, total, sql, queries, hottest(profiled)))
        write(rows, args.runs - 1, vendor)


def write(rows, runs: int, vendor: str) -> None:
    from results import write_section

    lines = [
        f"## Slow steps a person waits for ({datetime.date.today():%d/%m/%Y}, {vendor}, median of {runs})",
        "",
        "Each through its real view on the demo, timed in process (the server's time, no network);",
        "SQL timed around every query, the rest is Python; the portal's costliest functions from a",
        "profile of one more request (cumulative ms, including what they call).",
        "",
        f"| step | total ms | SQL ms (queries) | rest ms | goal ≤ {GOAL_MS} ms | where the time goes |",
        "|---|---|---|---|---|---|",
    ]
    for name, total, sql, queries, hot in rows:
        verdict = "met" if total * 1000 <= GOAL_MS else "not met"
        lines.append(
            f"| {name} | {total * 1000:.1f} | {sql * 1000:.1f} ({queries:.0f}) | {(total - sql) * 1000:.1f} "
            f"| {verdict} | {hot} |"
        )
    write_section("actions", lines)


if __name__ == "__main__":
    main()
