"""Benchmark of the report summary (issue "Reporting"): on generated data — a three-level tree of
units and 100,000 proposals with pilots and cases — the summary of the root and of one small unit
as Organisation Committee staff see them, against the raw `GROUP BY` of proposals by status over
the same rows, in the same run. Writes the ratios into bench/RESULTS.md.

Runs on its own database, never the shared one: `bench_portal` on the PostgreSQL server of
DATABASE_URL (created and dropped here), or a temporary SQLite file without it.

    make bench                      # or: .venv/bin/python bench/summary.py [--proposals N]
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def own_database(name: str = "bench_portal") -> tuple[str, callable]:
    """A DATABASE_URL for a database of the benchmark's own, and how to remove it."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg2

        parts = urlsplit(url)
        admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name}")
            cursor.execute(f"CREATE DATABASE {name}")

        def drop() -> None:
            from django.db import connections

            connections.close_all()
            with admin.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {name}")
            admin.close()

        return urlunsplit(parts._replace(path=f"/{name}")), drop
    folder = tempfile.mkdtemp(prefix="bench-")
    return f"sqlite:///{folder}/bench.sqlite3", lambda: None


@contextmanager
def demo_organisation(name: str):
    """Django set up on a database of the benchmark's own, migrated, with the demo's organisation
    seeded (units and people, no proposals); the database removed afterwards. Yields its vendor."""
    url, drop = own_database(name)
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="portal.settings", DJANGO_DEBUG="1")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        call_command("seed_demo", "--force", "--organisation-only", verbosity=0)
        yield connection.vendor
    finally:
        drop()


RAW_GROUP_BY = (
    "SELECT p.status, COUNT(*) FROM proposals_proposal p JOIN portal_unit u ON u.id = p.unit_id "
    "WHERE u.path LIKE %s AND p.created_at >= %s AND p.created_at < %s GROUP BY p.status"
)


def raw_group_by(unit, start: datetime.date, end: datetime.date) -> list:
    """The floor of the summary: one `GROUP BY status` of the unit's proposals in the period."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(RAW_GROUP_BY, [f"{unit.path}%", start, end + datetime.timedelta(days=1)])
        return cursor.fetchall()


def timed(function, runs: int = 5) -> float:
    """The median of `runs` timings, in seconds (after one warm-up)."""
    function()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def generate(proposals: int) -> dict:
    from accountability.models import Case
    from pilots.models import Pilot
    from portal.models import RoleAssignment, Unit, User
    from portal.workdays import working_day_spans
    from proposals.models import Proposal

    root = Unit.objects.create(code="ROOT", name="Tỉnh thử nghiệm")
    departments = [Unit.objects.create(code=f"D{i}", name=f"Sở {i}", parent=root) for i in range(20)]
    leaves = [
        Unit.objects.create(code=f"D{i}-{j}", name=f"Phòng {i}.{j}", parent=department)
        for i, department in enumerate(departments)
        for j in range(5)
    ]
    units = [root, *departments, *leaves]
    staff = User.objects.create(username="orgcom", full_name="Cán bộ Ban Tổ chức", unit=root)
    today = datetime.date.today()
    RoleAssignment.objects.create(
        user=staff, role="orgcom", unit=root, started_on=today - datetime.timedelta(days=800)
    )
    authors = [
        User.objects.create(username=f"u{unit.pk}", full_name=f"Cán bộ {unit.code}", unit=unit)
        for unit in units
    ]
    rng = random.Random(14)
    statuses = [s for s in Proposal.Status.values if s != "draft"]
    rows = []
    for n in range(proposals):
        author = authors[rng.randrange(len(authors))]
        created = today - datetime.timedelta(days=rng.randrange(700))
        status = rng.choice(statuses)
        decided = (
            created + datetime.timedelta(days=rng.randrange(1, 15))
            if status not in ("submitted", "returned")
            else None
        )
        rows.append(Proposal(
            title=f"Đề xuất {n}", author=author, unit=author.unit, reviewer_unit=author.unit, status=status,
            created_at=datetime.datetime.combine(created, datetime.time(9), tzinfo=datetime.UTC),
            received_on=created, decision_due=created + datetime.timedelta(days=9), decided_on=decided,
        ))  # fmt: skip
    decided = [row for row in rows if row.decided_on]
    spans = working_day_spans([(row.received_on, row.decided_on) for row in decided])
    for row, span in zip(decided, spans, strict=True):
        row.decision_working_days = span  # as the deciding service records it
    Proposal.objects.bulk_create(rows, batch_size=5000)
    approved = list(
        Proposal.objects.filter(status__in=["approved", "approved_by_head"]).values_list("pk", "unit_id")[
            : proposals // 10
        ]
    )
    pilot_statuses = Pilot.Status.values
    pilots = [
        Pilot(proposal_id=pk, unit_id=unit_id, directing_unit_id=unit_id, start_date=today, end_date=today,
              budget_vnd=1, status=rng.choice(pilot_statuses), created_by=staff)
        for pk, unit_id in approved
    ]  # fmt: skip
    Pilot.objects.bulk_create(pilots, batch_size=5000)
    failed = list(
        Pilot.objects.filter(status="evaluated").values_list(
            "pk", "proposal_id", "unit_id", "proposal__author_id"
        )
    )
    cases = [
        Case(
            pilot_id=pk,
            proposal_id=proposal,
            unit_id=unit,
            kind="outcome",
            subject_id=author,
            opened_by=staff,
        )
        for pk, proposal, unit, author in failed[: len(failed) // 2]
    ]
    Case.objects.bulk_create(cases, batch_size=5000)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does on a live database after such a load
    return {"root": root, "leaf": leaves[0], "staff": staff}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--proposals", type=int, default=100_000)
    args = parser.parse_args()
    url, drop = own_database()
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="portal.settings", DJANGO_DEBUG="1")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        made = generate(args.proposals)
        generated = time.perf_counter() - started
        from monitoring.summary import summary

        start, end = datetime.date.today() - datetime.timedelta(days=365), datetime.date.today()

        def raw(unit) -> list:
            return raw_group_by(unit, start, end)

        results = {}
        for name in ("root", "leaf"):
            unit = made[name]
            results[name] = {
                "summary": timed(lambda unit=unit: summary(made["staff"], unit, start, end)),
                "raw": timed(lambda unit=unit: raw(unit)),
                "proposals": sum(count for _status, count in raw(unit)),
            }
        write(results, args.proposals, generated, connection.vendor)
    finally:
        drop()


def write(results: dict, proposals: int, generated: float, vendor: str) -> None:
    from results import write_section

    lines = [
        f"## Report summary ({datetime.date.today():%d/%m/%Y}, {vendor}, {proposals:,} generated proposals)",
        "",
        f"Data generated in {generated:.1f} s: a tree of 1 + 20 + 100 units, proposals over two years,",
        "pilots for a tenth of them and outcome cases for half of the evaluated ones. The summary is the",
        "whole contract (proposals, pilots, cases, rewards, models, obstacles, urgings, the children)",
        "as an Organisation Committee member covering the root sees it; the raw query is one",
        "`GROUP BY status` of the same unit's proposals in the same period.",
        "",
        "| unit | proposals in the period | summary (ms) | raw GROUP BY (ms) | ratio | goal |",
        "|---|---|---|---|---|---|",
    ]
    goals = {"root": "≤ 2×", "leaf": "≤ 20 ms"}
    for name, row in results.items():
        ratio = row["summary"] / row["raw"] if row["raw"] else float("inf")
        lines.append(
            f"| {name} | {row['proposals']:,} | {row['summary'] * 1000:.1f} | {row['raw'] * 1000:.1f} | "
            f"{ratio:.1f}× | {goals[name]} |"
        )
    write_section("summary", lines)


if __name__ == "__main__":
    main()
