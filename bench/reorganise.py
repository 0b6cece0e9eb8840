"""Benchmark of a province's reorganisation (issue "Organisation changes", acceptance 2): on
generated data — one province, 100 communes, 5,000 people with their roles, 20,000 proposals in
every state, pilots, due reports and outcome cases — the plan that merges the 100 communes into
30 is previewed (the dry run) and applied, through `organisation.services`, each timed; then the
same plan again, which must change nothing. Writes the figures into bench/RESULTS.md.

Runs on its own database, never the shared one: `bench_reorganise` on the PostgreSQL server of
DATABASE_URL (created and dropped here), or a temporary SQLite file without it.

    make bench                      # or: .venv/bin/python bench/reorganise.py [--proposals N]
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from results import write_section  # noqa: E402
from summary import own_database  # noqa: E402

COMMUNES, MERGED_INTO, PEOPLE = 100, 30, 5_000


def generate(proposals: int) -> dict:
    """The province, written in bulk: the units and proposals with the history row of the day
    they were made (the report by the structure at a period's end reads it), the rest without."""
    from django.utils import timezone

    from accountability.models import Case
    from pilots.models import Pilot, ProgressReport
    from portal.models import RoleAssignment, Unit, User
    from proposals.models import Proposal

    today = datetime.date.today()
    long_ago = today - datetime.timedelta(days=900)

    def unit(**fields) -> Unit:
        made = Unit(**fields)
        # the units stood so since long ago (the report by the structure at a period's end reads it)
        made._history_date = timezone.make_aware(datetime.datetime.combine(long_ago, datetime.time(8)))
        made.save()
        return made

    province = unit(code="TINH", name="UBND tỉnh thử nghiệm", kind="peoples_committee")
    communes = [
        unit(code=f"XA{n:03d}", name=f"UBND xã {n}", kind="commune", parent=province) for n in range(COMMUNES)
    ]
    admin = User.objects.create(username="admin", full_name="Quản trị", is_superuser=True, is_staff=True)
    people = [
        User(username=f"cb{n:05d}", full_name=f"Cán bộ {n}", unit=communes[n % COMMUNES])
        for n in range(PEOPLE)
    ]
    User.objects.bulk_create(people, batch_size=2000)
    people = list(User.objects.filter(username__startswith="cb").order_by("username"))
    roles = []
    for n, person in enumerate(people):
        role = "head" if n < COMMUNES else "deputy" if n < 2 * COMMUNES else "cadre"
        roles.append(RoleAssignment(user=person, role=role, unit=person.unit, started_on=long_ago))
    RoleAssignment.objects.bulk_create(roles, batch_size=2000)
    authors = people[2 * COMMUNES :]
    rng = random.Random(14)
    rows = []
    for n in range(proposals):
        author = authors[rng.randrange(len(authors))]
        status = rng.choice(Proposal.Status.values)
        written = today - datetime.timedelta(days=1 + rng.randrange(300))
        received = None if status == "draft" else written
        rows.append(Proposal(
            title=f"Đề xuất {n}", author=author, unit=author.unit, reviewer_unit=author.unit, status=status,
            received_on=received, decision_due=received and received + datetime.timedelta(days=9),
            created_at=timezone.make_aware(datetime.datetime.combine(written, datetime.time(9))),
        ))  # fmt: skip
    rows = Proposal.objects.bulk_create(rows, batch_size=5000)
    for row in rows:  # each with the history row of its day, as the portal writes it
        row._history_date = row.created_at
    Proposal.history.bulk_history_create(rows, batch_size=5000, default_change_reason="generated")
    approved = Proposal.objects.filter(status__in=["approved", "approved_by_head"]).values_list(
        "pk", "unit_id"
    )
    approved = list(approved[: len(rows) // 8])
    pilots = [
        Pilot(proposal_id=pk, unit_id=unit, directing_unit_id=unit, start_date=long_ago, end_date=today,
              budget_vnd=1, status=rng.choice(Pilot.Status.values), created_by=admin)
        for pk, unit in approved
    ]  # fmt: skip
    Pilot.objects.bulk_create(pilots, batch_size=5000)
    running = Pilot.objects.exclude(status="evaluated").values_list("pk", flat=True)
    ProgressReport.objects.bulk_create(
        [ProgressReport(pilot_id=pk, period_start=today - datetime.timedelta(days=30), period_end=today,
                        due_date=today + datetime.timedelta(days=5)) for pk in running],
        batch_size=5000,
    )  # fmt: skip
    failed = Pilot.objects.filter(status="evaluated").values_list(
        "pk", "proposal_id", "unit_id", "proposal__author_id"
    )
    Case.objects.bulk_create(
        [Case(pilot_id=pk, proposal_id=proposal, unit_id=unit, pilot_unit_id=unit, kind="outcome",
              subject_id=author,
              opened_by=admin, status=rng.choice(["open", "referred", "decided"]))
         for pk, proposal, unit, author in failed],
        batch_size=5000,
    )  # fmt: skip
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"admin": admin, "communes": communes}


def province_plan(communes) -> dict:
    """100 communes into 30 new ones: 10 of four and 20 of three, as the 2025 resolutions did."""
    steps, start = [], 0
    for n in range(MERGED_INTO):
        size = 4 if n < 10 else 3
        group = communes[start : start + size]
        start += size
        steps.append({"merge": [unit.code for unit in group], "into": f"XAMOI{n:02d}", "name": f"Xã mới {n}",
                      "kind": "commune", "parent": "TINH"})  # fmt: skip
    assert start == COMMUNES
    return {"reference": "Nghị quyết 1656/NQ-UBTVQH15 (thử nghiệm)", "effective_on": datetime.date.today(),
            "steps": steps}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--proposals", type=int, default=20_000)
    args = parser.parse_args()
    url, drop = own_database("bench_reorganise")
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
        write(measure(made), args.proposals, generated, connection.vendor)
    finally:
        drop()


def measure(made: dict) -> dict:
    from organisation import services
    from organisation.plan import normalised
    from portal.models import Unit

    plan = normalised(province_plan(made["communes"]))
    admin = made["admin"]
    figures = {}
    start = time.perf_counter()
    preview = services.reorganisation_preview(actor=admin, plan=plan)
    figures["dry_run"] = time.perf_counter() - start
    assert Unit.objects.filter(closed_on__isnull=False).count() == 0, "the dry run changed something"
    start = time.perf_counter()
    reorganisation, _new = services.reorganisation_load(actor=admin, plan=plan)
    reorganisation = services.reorganisation_apply(actor=admin, reorganisation=reorganisation)
    figures["apply"] = time.perf_counter() - start
    figures["records"] = len({(label, pk) for label, pk, *_rest in reorganisation.outcome["records"]})
    figures["preview_records"] = len({(label, pk) for label, pk, *_rest in preview.records})
    figures["closed"] = Unit.objects.filter(closed_on__isnull=False).count()
    start = time.perf_counter()
    again, new = services.reorganisation_load(actor=admin, plan=plan)
    figures["again"] = time.perf_counter() - start
    figures["again_new"] = new or again.pk != reorganisation.pk
    figures.update(reports_by_structure(admin))
    return figures


def reports_by_structure(admin) -> dict:
    """The province's summary of the year before the merger, by today's structure (30 new
    communes) and by the structure at the period's end (the 100 old ones, from the history)."""
    from monitoring.sources import Sources
    from monitoring.summary import summary
    from portal.models import Unit

    province, today = Unit.objects.get(code="TINH"), datetime.date.today()
    start, end = today - datetime.timedelta(days=365), today - datetime.timedelta(days=1)
    found = {}
    for structure in ("today", "period_end"):
        began = time.perf_counter()
        sources = Sources(admin, province, start, end, structure=structure)
        figures = summary(admin, province, start, end, sources)
        found[f"summary_{structure}"] = time.perf_counter() - began
        found[f"children_{structure}"] = len(figures["children"])
        found[f"counted_{structure}"] = sum(figures["proposals"]["by_status"].values())
    return found


def write(figures: dict, proposals: int, generated: float, vendor: str) -> None:
    ok = figures["dry_run"] < 60 and figures["apply"] < 60 and not figures["again_new"]
    lines = [
        f"A province's merger on {vendor}: 1 province, {COMMUNES} communes merged into {MERGED_INTO} new "
        f"ones, {PEOPLE:,} people with their roles, {proposals:,} proposals in every state with pilots, "
        f"due reports and cases (generated in {generated:.0f} s). Goal: the dry run and the apply "
        f"each under 60 s; the same plan again changes nothing.",
        "",
        "| figure | measured |",
        "|---|---|",
        f"| dry run (`reorganisation_preview`: the whole apply, rolled back) | {figures['dry_run']:.1f} s |",
        f"| apply (load, check, apply in one transaction) | {figures['apply']:.1f} s |",
        f"| open records moved (proposals, pilots, cases; the dry run found "
        f"{figures['preview_records']:,}) | "
        f"{figures['records']:,} |",
        f"| units closed | {figures['closed']} |",
        f"| the same plan loaded again | {figures['again'] * 1000:.0f} ms, "
        f"{'a new record (wrong)' if figures['again_new'] else 'the same record, nothing changed'} |",
        "",
        f"Goal {'met' if ok else 'NOT met'}.",
        "",
        "The province's report of the year before the merger, after it (`monitoring.summary`):",
        "",
        "| structure | units below | proposals counted | time |",
        "|---|---|---|---|",
        *(f"| {label} | {figures[f'children_{key}']} | {figures[f'counted_{key}']:,} | "
          f"{figures[f'summary_{key}'] * 1000:.0f} ms |"
          for key, label in (("today", "today's (default)"),
                             ("period_end", "at the period's end (`?structure=period_end`)"))),
    ]  # fmt: skip
    write_section("reorganise", lines)


if __name__ == "__main__":
    main()
