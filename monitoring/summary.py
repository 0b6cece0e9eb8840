"""The summary of a unit's subtree and a period (CONTRACT, Reports): counts over what the caller
may see, for proposals created in the period — their decisions, pilots, cases, rewards, models —
and the obstacles raised and urgings sent in it; every status, outcome, result and kind present,
with 0 where none. Counted in the database with aggregate FILTER clauses."""

from __future__ import annotations

import datetime
import statistics

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from accountability.models import Case
from monitoring import figures
from monitoring.models import Urging
from pilots.models import Pilot, ProgressReport
from portal.models import RoleAssignment, Unit, User, path_prefix_q
from portal.permissions import covers, scope_paths, visible_units
from portal.workdays import working_day_spans
from proposals.models import Proposal
from recognition.models import Reward
from replication.models import InnovationModel, Institutionalisation
from support.models import Obstacle


def _tally(queryset, extra: dict | None = None, **fields: list[str]) -> dict:
    """One aggregate query: for each `field=values`, the count of rows per value (FILTER clauses),
    and the `extra` aggregates: {field: {value: n}, name: value}."""
    spec = {f"{field}__{value}": Count("pk", filter=Q(**{field: value})) for field, values in fields.items()
            for value in values}  # fmt: skip
    found = queryset.order_by().aggregate(**spec, **(extra or {}))
    tally = {
        field: {value: found[f"{field}__{value}"] for value in values} for field, values in fields.items()
    }
    return tally | {name: found[name] for name in (extra or {})}


def _proposals(user: User, unit: Unit, start: datetime.date, end: datetime.date):
    """The proposals of the subtree created in the period that `user` sees. Whoever covers the
    subtree (the only people the reports are for) sees there all that was ever submitted and
    their own drafts — the same rule as `visible_to`, without its general OR."""
    since, until = figures.period_bounds(start, end)
    in_period = Q(path_prefix_q("unit__path", [unit.path]), created_at__gte=since, created_at__lt=until)
    if any(path and unit.path.startswith(path) for path in scope_paths(user)):
        return Proposal.objects.filter(in_period, Q(received_on__isnull=False) | Q(author=user))
    return Proposal.objects.visible_to(user).filter(in_period)


def summary(user: User, unit: Unit, start: datetime.date, end: datetime.date) -> dict:
    today = timezone.localdate()
    proposals = _proposals(user, unit, start, end)
    ids = proposals.values("pk")
    decided = Q(decided_on__isnull=False, decision_due__isnull=False)
    tally = _tally(proposals, status=Proposal.Status.values, extra={
        "on_time": Count("pk", filter=decided & Q(decided_on__lte=F("decision_due"))),
        "late": Count("pk", filter=decided & Q(decided_on__gt=F("decision_due"))),
        "pending_overdue": Count("pk", filter=Q(status=Proposal.Status.SUBMITTED, decision_due__lt=today)),
    })  # fmt: skip
    spans = working_day_spans(
        list(
            proposals.filter(decided_on__isnull=False, received_on__isnull=False).values_list(
                "received_on", "decided_on"
            )
        )
    )
    by_status = tally["status"]
    pilots = Pilot.objects.filter(proposal__in=ids)
    pilot_tally = _tally(
        pilots, status=Pilot.Status.values, outcome=Pilot.Outcome.values,
        extra={"damage": Sum("damage_vnd", filter=Q(damage=True))},
    )  # fmt: skip
    case_tally = _tally(_cases(user, unit, ids), status=Case.Status.values, result=Case.Result.values)
    models = InnovationModel.objects.filter(pilot__in=pilots.values("pk"))
    open_report = [ProgressReport.Status.DUE, ProgressReport.Status.CORRECTION]
    late_reports = ProgressReport.objects.filter(
        pilot__in=pilots.values("pk"), status__in=open_report, due_date__lt=today
    )
    rewards = Reward.objects.filter(pilot__in=pilots.values("pk"))
    issued = Institutionalisation.objects.filter(
        model__in=models.values("pk"), status=Institutionalisation.Status.ISSUED
    )
    visible_obstacles = Obstacle.objects.visible_to(user)
    visible_urgings = Urging.objects.visible_to(user)
    return {
        "unit": unit.code, "from": start.isoformat(), "to": end.isoformat(),
        "proposals": {
            "by_status": by_status,
            "decided_on_time": tally["on_time"], "decided_late": tally["late"],
            "pending_overdue": tally["pending_overdue"],
            "approved_by_vote": by_status[Proposal.Status.APPROVED],
            "approved_by_override": by_status[Proposal.Status.APPROVED_BY_HEAD],
            "median_working_days_to_decision": statistics.median(spans) if spans else None,
        },
        "pilots": {
            "by_status": pilot_tally["status"],
            "reports_overdue": late_reports.count(),
            "outcomes": pilot_tally["outcome"],
            "damage_vnd": pilot_tally["damage"] or 0,
        },
        "cases": {"by_status": case_tally["status"], "by_result": case_tally["result"]},
        "rewards": {"by_kind": _tally(rewards, kind=Reward.Kind.values)["kind"]},
        "models": {
            "published": models.count(),
            "adoptions": Proposal.objects.filter(adopted_from__in=models.values("pk")).count(),
            "institutionalised": issued.count(),
        },
        "obstacles": figures.obstacle_figures(unit, start, end, visible_obstacles),
        "urgings": figures.urging_figures(unit, start, end, visible_urgings),
        "children": _children(user, unit, proposals, today),
    }  # fmt: skip


def _cases(user: User, unit: Unit, ids):
    """The cases of those proposals that `user` sees (Case.visible_to, for someone who covers the
    subtree): staff covering it see them all; a head, not the abuse or obstruction reports about
    people of a unit they head themselves (unless the report is about them)."""
    cases = Case.objects.filter(proposal__in=ids)
    if covers(user, RoleAssignment.Role.ORGCOM, unit) or covers(user, RoleAssignment.Role.INSPECTOR, unit):
        return cases
    headed = RoleAssignment.objects.current().filter(user=user, role="head").values("unit")
    return cases.exclude(~Q(kind=Case.Kind.OUTCOME) & Q(unit__in=headed) & ~Q(subject=user))


def _children(user: User, unit: Unit, proposals, today: datetime.date) -> list[dict]:
    """The figures of each child unit's subtree, in two grouped queries (the paths have a fixed
    width per level, so a child's subtree is a path prefix of one length)."""
    children = list(visible_units(user).filter(parent=unit).order_by("path"))
    if not children:
        return []
    width = len(children[0].path)
    approved = Q(status__in=[Proposal.Status.APPROVED, Proposal.Status.APPROVED_BY_HEAD])
    overdue = Q(status=Proposal.Status.SUBMITTED, decision_due__lt=today)
    branches = proposals.annotate(branch=Substr("unit__path", 1, width)).order_by().values("branch")
    grouped = {
        row["branch"]: row
        for row in branches.annotate(
            n=Count("pk", distinct=True), approved=Count("pk", filter=approved, distinct=True),
            overdue=Count("pk", filter=overdue, distinct=True),
        )
    }  # fmt: skip
    pilots = dict(
        Pilot.objects.filter(proposal__in=proposals.values("pk"))
        .annotate(branch=Substr("proposal__unit__path", 1, width)).order_by().values("branch")
        .annotate(n=Count("pk")).values_list("branch", "n")
    )  # fmt: skip
    return [
        {
            "unit": child.code,
            "name": child.name,
            "proposals": grouped.get(child.path, {}).get("n", 0),
            "approved": grouped.get(child.path, {}).get("approved", 0),
            "pilots": pilots.get(child.path, 0),
            "overdue": grouped.get(child.path, {}).get("overdue", 0),
        }
        for child in children
    ]
