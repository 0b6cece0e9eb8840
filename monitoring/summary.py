"""The summary of a unit's subtree and a period (CONTRACT, Reports), and its deadline compliance:
counts over what the caller may see, for proposals created in the period — their decisions,
pilots, cases, rewards, models — and the obstacles raised and urgings sent in it; every status,
outcome, result and kind present, with 0 where none.

Counted in the database from the figures of `monitoring.sources` (which the drill-down lists):
one grouped query over the proposals, their pilots joined (each proposal has at most one), by
child unit and by working days to the decision, gives the proposals', pilots' and deadline
figures, the units below and the median at once; one aggregate query per other table, a FILTER
clause per figure."""

from __future__ import annotations

import datetime
import operator
from collections import Counter, defaultdict
from functools import reduce

from django.db.models import Count, Q, Sum

from accountability.models import Case
from monitoring import figures
from monitoring.sources import Sources, figures_of, prefixed
from pilots.models import Pilot
from portal.models import Unit, User
from proposals.models import Proposal
from recognition.models import Reward

# The contract's figures of each child unit, and the figure each one counts.
CHILD_FIGURES = {"proposals": "proposals.all", "approved": "proposals.approved", "pilots": "pilots.all",
                 "overdue": "proposals.pending_overdue"}  # fmt: skip
# Counted in the grouped query over the proposals; the other sections one query per table.
GROUPED = ("proposals", "pilots", "compliance")
OTHERS = ("pilots", "cases", "rewards", "models", "obstacles", "urgings")


def _on_proposals(sources: Sources) -> dict:
    """`section.figure` → aggregate over the proposals for each figure of a proposal or a pilot."""
    found = {}
    for section in GROUPED:
        for key, (source, condition) in figures_of(sources.today)[section].items():
            if source == "proposals":
                found[f"{section}.{key}"] = Count("pk", filter=condition or None)
            elif source == "pilots":
                found[f"{section}.{key}"] = Count("pilot", filter=prefixed(condition, "pilot__") or None)
    found["damage"] = Sum("pilot__damage_vnd", filter=Q(pilot__damage=True))
    found["decided"] = Count("pk", filter=Q(decided_on__isnull=False, decision_working_days__isnull=False))
    return found


def _grouped(sources: Sources) -> dict:
    """The grouped query, once per Sources: totals, totals per child's path, and the histogram of
    working days to a decision."""
    if "grouped" in sources.counted:
        return sources.counted["grouped"]
    aggregates = _on_proposals(sources)
    named = {f"f{n}": aggregate for n, aggregate in enumerate(aggregates.values())}
    rows = (
        sources.proposals.annotate(branch=sources.tree.branch()).order_by()
        .values("branch", "decision_working_days").annotate(**named)
    )  # fmt: skip
    totals, branches, days = Counter(), defaultdict(Counter), Counter()
    for row in rows:
        counts = {key: row[f"f{n}"] or 0 for n, key in enumerate(aggregates)}
        totals.update(counts)
        branches[sources.tree.branch_of(row["branch"])].update(counts)
        if row["decision_working_days"] is not None:
            days[row["decision_working_days"]] += counts["decided"]
    found = {"totals": totals, "branches": branches, "days": days, "children": sources.tree.branches}
    sources.counted["grouped"] = found
    return found


def count_figures(sources: Sources, sections: tuple[str, ...], extra: dict | None = None) -> dict[str, int]:
    """`section.figure` → n for every figure of `sections` whose source is not a proposal or a
    pilot: one aggregate query per source, with the `extra` aggregates (source → {name: aggregate})."""
    wanted: dict[str, dict] = defaultdict(dict)
    for section in sections:
        for key, (source, condition) in figures_of(sources.today)[section].items():
            if source not in ("proposals", "pilots"):
                wanted[source][f"{section}.{key}"] = Count("pk", filter=condition or None)
    for source, aggregates in (extra or {}).items():
        wanted[source].update(aggregates)
    found = {}
    for source, aggregates in wanted.items():
        named = {f"f{n}": aggregate for n, aggregate in enumerate(aggregates.values())}
        rows = getattr(sources, source).order_by()
        conditions = [a.filter for a in aggregates.values() if isinstance(a, Count) and a.filter is not None]
        if len(conditions) == len(aggregates):  # rows none of them counts need not be read at all
            rows = rows.filter(reduce(operator.or_, conditions))
        row = rows.aggregate(**named)
        found.update(zip(aggregates, row.values(), strict=True))
    return found


def median(days: Counter) -> float | int | None:
    """The median of the working days (as `statistics.median` of the list the histogram stands for)."""
    total = sum(days.values())
    if not total:
        return None
    ordered = sorted(days.items())

    def nth(index: int) -> int:
        running = 0
        for value, n in ordered:
            running += n
            if running > index:
                return value
        raise IndexError(index)

    if total % 2:
        return nth(total // 2)
    return (nth(total // 2 - 1) + nth(total // 2)) / 2


def _per(counts: dict, prefix: str, choices) -> dict[str, int]:
    return {value: counts[f"{prefix}.{value}"] for value in choices.values}


def _of(counts: dict, section: str, keys: list[str]) -> dict[str, int]:
    return {key: counts[f"{section}.{key}"] for key in keys}


def summary(
    user: User, unit: Unit, start: datetime.date, end: datetime.date, sources: Sources | None = None
) -> dict:
    sources = sources or Sources(user, unit, start, end)
    grouped = _grouped(sources)
    n = Counter(grouped["totals"])
    n.update(count_figures(sources, OTHERS))
    return {
        "unit": unit.code, "from": start.isoformat(), "to": end.isoformat(),
        "proposals": {
            "by_status": _per(n, "proposals.by_status", Proposal.Status),
            **_of(n, "proposals", ["decided_on_time", "decided_late", "pending_overdue", "approved_by_vote",
                                   "approved_by_override"]),
            "median_working_days_to_decision": median(grouped["days"]),
        },
        "pilots": {
            "by_status": _per(n, "pilots.by_status", Pilot.Status),
            "reports_overdue": n["pilots.reports_overdue"],
            "outcomes": _per(n, "pilots.outcomes", Pilot.Outcome),
            "damage_vnd": n["damage"] or 0,
        },
        "cases": {"by_status": _per(n, "cases.by_status", Case.Status),
                  "by_result": _per(n, "cases.by_result", Case.Result)},
        "rewards": {"by_kind": _per(n, "rewards.by_kind", Reward.Kind)},
        "models": _of(n, "models", ["published", "adoptions", "institutionalised"]),
        "obstacles": _of(n, "obstacles", ["raised", "answered_on_time", "escalated", "open"]),
        "urgings": {"sent": n["urgings.sent"], "answered": n["urgings.answered"],
                    "items_cleared_in_10_working_days": figures.items_cleared(sources.urgings)},
        "children": children(sources, CHILD_FIGURES),
    }  # fmt: skip


def children(sources: Sources, wanted: dict[str, str]) -> list[dict]:
    """For each child unit the person sees, `name` → the figure `wanted[name]` over the child's
    subtree (the grouped query's branch)."""
    grouped = _grouped(sources)
    return [
        {"unit": child.code, "name": child.name,
         **{name: grouped["branches"][child.key][figure] for name, figure in wanted.items()}}
        for child in grouped["children"]
    ]  # fmt: skip


COMPLIANCE = {"decisions": "decisions", "results_reports": "results", "evaluations": "evaluations"}


def _compliance_row(counts: dict[str, int], prefix: str = "compliance.") -> dict:
    row = {}
    for name, key in COMPLIANCE.items():
        on_time, late, overdue = (counts[f"{prefix}{key}_{part}"] for part in ("on_time", "late", "overdue"))
        share = round(on_time / (on_time + late), 3) if on_time + late else None
        row[name] = {"on_time": on_time, "late": late, "overdue": overdue, "share_on_time": share}
    return row


def compliance(
    user: User, unit: Unit, start: datetime.date, end: datetime.date, sources: Sources | None = None
) -> dict:
    """Deadline compliance (Art. 6, against "né tránh, đùn đẩy") of the unit's subtree and of each
    child unit, for the proposals created in the period: for the decision within 7 working days,
    the results report and the evaluation, how many were on time, late, or are overdue now, and
    the share on time of those done."""
    sources = sources or Sources(user, unit, start, end)
    grouped = _grouped(sources)
    return {
        "unit": unit.code, "name": unit.name, "from": start.isoformat(), "to": end.isoformat(),
        **_compliance_row(grouped["totals"]),
        "children": [
            {"unit": child.code, "name": child.name, **_compliance_row(grouped["branches"][child.key])}
            for child in grouped["children"]
        ],
    }  # fmt: skip
