"""Benchmark of the audit chain (issue "Evidence"): a proposal transition (submitting a draft:
the proposal, its history row, its transition row, the head's notification) with the chain
written in the same transaction and without it, in the same run, alternating batches so that the
two see the same machine. Writes the ratio into bench/RESULTS.md (goal ≤ 1.3×).

Runs on a database of its own (`bench_audit` on the PostgreSQL server of DATABASE_URL, or a
temporary SQLite file):

    make bench                      # or: .venv/bin/python bench/audit.py [--transitions N]
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


@contextmanager
def without_chain():
    """The portal with the chain's signal handlers disconnected (for the comparison only)."""
    from django.db.models.signals import post_save
    from simple_history.signals import post_create_historical_record

    from portal import audit

    post_create_historical_record.disconnect(dispatch_uid="audit-history")
    transitions = [c for c in audit.COVERED.values() if not hasattr(c.model, "history_id")]
    for covered in transitions:
        post_save.disconnect(sender=covered.model, dispatch_uid=f"audit-{covered.label}")
    try:
        yield
    finally:
        post_create_historical_record.connect(audit._historical, dispatch_uid="audit-history")
        for covered in transitions:
            post_save.connect(audit._saved, sender=covered.model, dispatch_uid=f"audit-{covered.label}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--transitions", type=int, default=400)
    args = parser.parse_args()
    from summary import demo_organisation

    with demo_organisation("bench_audit") as vendor:
        samples = measure(args.transitions)
        write(samples, args.transitions, vendor)


def measure(transitions: int) -> dict[str, list[float]]:
    from portal.models import AuditLink, User
    from proposals import services
    from tests.proposals.conftest import as_model_data, plan

    author = User.objects.get(username="cadre_a")
    drafts = [services.proposal_create(author=author, data=as_model_data(plan())) for _ in range(transitions)]
    samples: dict[str, list[float]] = {"with": [], "without": []}
    batch = 20
    for start in range(0, transitions, batch):
        mode = "with" if (start // batch) % 2 == 0 else "without"
        for proposal in drafts[start : start + batch]:
            began = time.perf_counter()
            if mode == "with":
                services.proposal_submit(actor=author, proposal=proposal)
            else:
                with without_chain():
                    services.proposal_submit(actor=author, proposal=proposal)
            samples[mode].append(time.perf_counter() - began)
    assert AuditLink.objects.filter(table="proposals.ProposalTransition").count() >= transitions // 2
    return samples


def write(samples: dict[str, list[float]], transitions: int, vendor: str) -> None:
    from results import write_section

    chained, plain = (statistics.median(samples[k]) for k in ("with", "without"))
    write_section("audit", [
        f"## Audit chain ({datetime.date.today():%d/%m/%Y}, {vendor}, {transitions} transitions)",
        "",
        "Submitting a draft proposal (the proposal row, its history row, its transition row, the",
        "notification to the head) with the chain links written in the same transaction, against",
        "the same service with the chain's handlers disconnected, in alternating batches of 20.",
        "",
        "| | median per transition (ms) |",
        "|---|---|",
        f"| with the chain | {chained * 1000:.2f} |",
        f"| without | {plain * 1000:.2f} |",
        f"| ratio | {chained / plain:.2f}× (goal ≤ 1.3×) |",
    ])  # fmt: skip


if __name__ == "__main__":
    main()
