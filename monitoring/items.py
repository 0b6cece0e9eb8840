"""The overdue items an urging may name, kind by kind: what counts as overdue, which unit is
answerable for it, and when it was cleared (the first step that ended the delay after the
urging was sent).

- proposal: submitted and past its decision due date; the reviewing unit answers; cleared by the
  decision (any step out of `submitted`).
- pilot: a progress report, the results report or the evaluation past due; the pilot's unit or
  its directing unit answers; cleared by the next report, results report, evaluation or
  termination, once nothing of the pilot is overdue any more.
- case: its determination or decision past due; the case's unit or the approving unit answers;
  cleared by the next change of status.
- obstacle: its answer past due; the answering unit; cleared by the answer.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from accountability.models import Case
from pilots.models import Pilot, ProgressReport
from portal.models import Unit, path_prefix_q
from proposals.models import Proposal
from support.models import Obstacle


@dataclass(frozen=True)
class ItemKind:
    model: type
    unit_fields: tuple[str, ...]  # the units answerable for it
    clearing_actions: tuple[str, ...] | None  # None: any change of status

    def overdue(self, user, today: datetime.date) -> QuerySet:
        return _OVERDUE[self.model](self.model.objects.visible_to(user), today)

    def in_unit(self, queryset: QuerySet, unit: Unit) -> QuerySet:
        query = Q()
        for field in self.unit_fields:
            query |= path_prefix_q(f"{field}__path", [unit.path])
        return queryset.filter(query)


def _overdue_pilots(queryset: QuerySet, today: datetime.date) -> QuerySet:
    late_reports = ProgressReport.objects.filter(
        status__in=[ProgressReport.Status.DUE, ProgressReport.Status.CORRECTION], due_date__lt=today
    ).values("pilot")
    return queryset.filter(
        Q(status__in=[Pilot.Status.ACTIVE, Pilot.Status.SUSPENDED], pk__in=late_reports)
        | Q(status__in=[Pilot.Status.COMPLETED, Pilot.Status.TERMINATED], results_report_due__lt=today)
        | Q(status=Pilot.Status.UNDER_EVALUATION, evaluation_due__lt=today)
    )


def _overdue_cases(queryset: QuerySet, today: datetime.date) -> QuerySet:
    return queryset.filter(
        Q(status=Case.Status.OPEN, determination_due__lt=today)
        | Q(status__in=[Case.Status.RELIEF_RECOMMENDED, Case.Status.REFERRED], decision_due__lt=today)
    )


_OVERDUE = {
    Proposal: lambda queryset, today: queryset.overdue(today),
    Pilot: _overdue_pilots,
    Case: _overdue_cases,
    Obstacle: lambda queryset, today: queryset.overdue(today),
}

KINDS: dict[str, ItemKind] = {
    "proposal": ItemKind(Proposal, ("reviewer_unit",), None),
    "pilot": ItemKind(
        Pilot, ("unit", "directing_unit"), ("report", "results_report", "evaluate", "terminate")
    ),
    "case": ItemKind(Case, ("unit", "proposal__reviewer_unit"), None),
    "obstacle": ItemKind(Obstacle, ("answerer_unit",), ("answer",)),
}


def title_of(kind: str, obj: Any) -> str:
    proposal = obj if kind == "proposal" else obj.pilot.proposal if kind == "obstacle" else obj.proposal
    return proposal.title[:300]


def overdue_in(user, unit: Unit, today: datetime.date | None = None) -> dict[str, list]:
    """Every overdue item answerable by `unit` (or a unit below it) that `user` may see."""
    today = today or timezone.localdate()
    found = {}
    for kind, item_kind in KINDS.items():
        queryset = item_kind.in_unit(item_kind.overdue(user, today), unit)
        if kind == "obstacle":
            queryset = queryset.select_related("pilot__proposal")
        elif kind != "proposal":
            queryset = queryset.select_related("proposal")
        found[kind] = list(queryset.distinct().order_by("pk")[:200])
    return found


def cleared_at(kind: str, object_id: int, since: datetime.datetime) -> datetime.datetime | None:
    """When the item stopped being overdue after `since`, or None while it still is."""
    item_kind = KINDS[kind]
    obj = item_kind.model.objects.filter(pk=object_id).first()
    if obj is None:
        return None
    if kind == "pilot" and _overdue_pilots(Pilot.objects.filter(pk=object_id), timezone.localdate()).exists():
        return None
    steps = obj.transitions.filter(at__gte=since).order_by("at", "id")
    if item_kind.clearing_actions is None:
        step = next((s for s in steps if s.from_status != s.to_status), None)
    else:
        step = steps.filter(action__in=item_kind.clearing_actions).first()
    return step.at if step else None
