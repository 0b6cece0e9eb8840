"""The summary of a unit's subtree and a period (CONTRACT, Reports): counts over what the caller
may see, for proposals created in the period — their decisions, pilots, cases, rewards, models —
and the obstacles raised and urgings sent in it; every status, outcome, result and kind present,
with 0 where none. Counted in the database: one aggregate query per table, a FILTER clause per
figure (the figures are those of `monitoring.sources`, which the drill-down lists)."""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr

from accountability.models import Case
from monitoring import figures
from monitoring.sources import Sources, figures_of
from pilots.models import Pilot
from portal.models import Unit, User
from portal.permissions import visible_units
from portal.workdays import working_day_spans
from proposals.models import Proposal
from recognition.models import Reward

# The contract's figures of each child unit, and the figure each one counts.
CHILD_FIGURES = {"proposals": "proposals.all", "approved": "proposals.approved", "pilots": "pilots.all",
                 "overdue": "proposals.pending_overdue"}  # fmt: skip
# The column that holds the unit's path, per source, for the breakdown by child unit.
PATHS = {"proposals": "unit__path", "pilots": "proposal__unit__path"}


def count_figures(sources: Sources, sections: list[str], extra: dict | None = None) -> dict[str, int]:
    """`section.figure` → n for every figure of `sections`: one aggregate query per source, with
    the `extra` aggregates (source → {name: aggregate}) in the same queries."""
    wanted: dict[str, dict] = defaultdict(dict)
    for section in sections:
        for key, (source, condition) in figures_of(sources.today)[section].items():
            wanted[source][f"{section}.{key}"] = Count("pk", filter=condition or None)
    for source, aggregates in (extra or {}).items():
        wanted[source].update(aggregates)
    found = {}
    for source, aggregates in wanted.items():
        named = {f"f{n}": aggregate for n, aggregate in enumerate(aggregates.values())}
        row = getattr(sources, source).order_by().aggregate(**named)
        found.update(zip(aggregates, row.values(), strict=True))
    return found


def _per(counts: dict, prefix: str, choices) -> dict[str, int]:
    return {value: counts[f"{prefix}.{value}"] for value in choices.values}


def _of(counts: dict, section: str, keys: list[str]) -> dict[str, int]:
    return {key: counts[f"{section}.{key}"] for key in keys}


def summary(user: User, unit: Unit, start: datetime.date, end: datetime.date) -> dict:
    sources = Sources(user, unit, start, end)
    sections = ["proposals", "pilots", "cases", "rewards", "models", "obstacles", "urgings"]
    n = count_figures(
        sources, sections, extra={"pilots": {"damage": Sum("damage_vnd", filter=Q(damage=True))}}
    )
    decided = sources.proposals.filter(decided_on__isnull=False, received_on__isnull=False)
    spans = working_day_spans(list(decided.values_list("received_on", "decided_on")))
    return {
        "unit": unit.code, "from": start.isoformat(), "to": end.isoformat(),
        "proposals": {
            "by_status": _per(n, "proposals.by_status", Proposal.Status),
            **_of(n, "proposals", ["decided_on_time", "decided_late", "pending_overdue", "approved_by_vote",
                                   "approved_by_override"]),
            "median_working_days_to_decision": statistics.median(spans) if spans else None,
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
    subtree: one grouped query per source (the paths have a fixed width per level, so a child's
    subtree is a path prefix of one length)."""
    units = list(visible_units(sources.user).filter(parent=sources.unit).order_by("path"))
    if not units:
        return []
    width = len(units[0].path)
    per_source: dict[str, dict] = defaultdict(dict)
    for name, figure in wanted.items():
        section, _, key = figure.partition(".")
        source, condition = figures_of(sources.today)[section][key]
        per_source[source][name] = Count("pk", filter=condition or None, distinct=True)
    grouped: dict[str, dict] = defaultdict(dict)
    for source, aggregates in per_source.items():
        branches = getattr(sources, source).annotate(branch=Substr(PATHS[source], 1, width))
        for row in branches.order_by().values("branch").annotate(**aggregates):
            grouped[row.pop("branch")].update(row)
    return [
        {"unit": unit.code, "name": unit.name, **{name: grouped[unit.path].get(name, 0) for name in wanted}}
        for unit in units
    ]


COMPLIANCE = {"decisions": "decisions", "results_reports": "results", "evaluations": "evaluations"}


def _compliance_row(counts: dict[str, int], prefix: str = "") -> dict:
    row = {}
    for name, key in COMPLIANCE.items():
        on_time, late, overdue = (counts[f"{prefix}{key}_{part}"] for part in ("on_time", "late", "overdue"))
        share = round(on_time / (on_time + late), 3) if on_time + late else None
        row[name] = {"on_time": on_time, "late": late, "overdue": overdue, "share_on_time": share}
    return row


def compliance(user: User, unit: Unit, start: datetime.date, end: datetime.date) -> dict:
    """Deadline compliance (Art. 6, against "né tránh, đùn đẩy") of the unit's subtree and of each
    child unit, for the proposals created in the period: for the decision within 7 working days,
    the results report and the evaluation, how many were on time, late, or are overdue now, and
    the share on time of those done."""
    sources = Sources(user, unit, start, end)
    total = count_figures(sources, ["compliance"])
    keys = list(figures_of(sources.today)["compliance"])
    rows = children(sources, {key: f"compliance.{key}" for key in keys})
    return {
        "unit": unit.code, "name": unit.name, "from": start.isoformat(), "to": end.isoformat(),
        **_compliance_row(total, "compliance."),
        "children": [{"unit": row["unit"], "name": row["name"], **_compliance_row(row)} for row in rows],
    }  # fmt: skip
