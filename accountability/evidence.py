"""The record a case is judged on, gathered in one place (Decree 73 Art. 11): the plan as
approved, the directives and whether they were followed, the progress reports, the obstacles and
how each was answered, the inspections and their corrective actions. Read-only; the case page draws it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from pilots.models import Pilot, PilotTransition
from pilots.views import plan_rows
from support.models import Obstacle

DIRECTIVES = ("suspend", "resume", "terminate")


@dataclass(frozen=True)
class Directive:
    step: PilotTransition
    followed: bool | None  # None: nothing to follow yet, or nothing the portal can check
    how: str


@dataclass(frozen=True)
class CorrectiveActionState:
    action: object
    state: str  # on_time | late | open | overdue
    label: str


def directives(pilot: Pilot) -> list[Directive]:
    """Each directive of the head with what the record shows about it: a suspension is followed
    when no report was submitted while it held; a termination when the results report was filed."""
    steps = list(pilot.transitions.select_related("actor"))
    submitted = [r.submitted_at for r in pilot.reports.all() if r.submitted_at]
    found = []
    for index, step in enumerate(steps):
        if step.action not in DIRECTIVES:
            continue
        later = steps[index + 1 :]
        if step.action == "suspend":
            lifted = next((s.at for s in later if s.action in ("resume", "terminate")), None)
            during = [at for at in submitted if at >= step.at and (lifted is None or at < lifted)]
            how = (
                _("%(count)d report(s) were submitted while it held.") % {"count": len(during)}
                if during
                else _("No report was submitted while it held.")
            )
            found.append(Directive(step, not during, how))
        elif step.action == "terminate":
            filed = next((s for s in later if s.action == "results_report"), None)
            found.append(
                Directive(step, True, _("The results report was filed.")) if filed
                else Directive(step, None, _("The results report is not filed yet."))
            )  # fmt: skip
        else:
            found.append(Directive(step, None, _("The pilot went on.")))
    return found


def corrective_actions(pilot: Pilot, today: datetime.date | None = None) -> list[CorrectiveActionState]:
    today = today or timezone.localdate()
    rows = []
    for inspection in pilot.inspections.prefetch_related("actions"):
        for action in inspection.actions.all():
            if action.closed_on:
                state = "on_time" if action.closed_on <= action.due_date else "late"
            else:
                state = "overdue" if action.due_date < today else "open"
            labels = {
                "on_time": _("done on time"), "late": _("done late"),
                "open": _("not done yet"), "overdue": _("overdue"),
            }  # fmt: skip
            rows.append(CorrectiveActionState(action, state, labels[state]))
    return rows


def of_case(case) -> dict:
    """What the case page shows as the record; empty parts for a case without a pilot."""
    pilot = case.pilot
    if pilot is None:
        return {"directives": [], "reports": [], "corrective_actions": [], "plan": [], "obstacles": []}
    return {
        "directives": directives(pilot),
        "reports": list(pilot.reports.all()),
        "corrective_actions": corrective_actions(pilot),
        "plan": plan_rows(baseline) if (baseline := pilot.versions.first()) else [],
        # An obstacle left unanswered is part of the objective causes (DOMAIN §2).
        "obstacles": list(Obstacle.objects.filter(pilot=pilot).for_list()),
    }
