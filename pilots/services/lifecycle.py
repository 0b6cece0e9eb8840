"""A pilot's plan and state: create, start, adjust, suspend, resume, terminate, complete."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots import permissions
from pilots.models import (
    Indicator,
    Milestone,
    Pilot,
    ProgressReport,
)
from pilots.services._base import (
    FLOW,
    PLAN_FIELDS,
    RESULTS_REPORT_WORKING_DAYS,
    _check_dates,
    _clean_indicators,
    _head_of,
    _new_version,
    _schedule,
    _tell,
)
from portal.errors import DomainError, IncompleteInput, InvalidTransition
from portal.models import RoleAssignment, User
from portal.permissions import grant
from portal.rules import rule
from portal.workdays import add_working_days
from portal.workflow import ensure, required_text
from proposals.models import Proposal


@transaction.atomic
def pilot_create(
    *,
    actor: User,
    proposal: Proposal,
    start_date: datetime.date,
    end_date: datetime.date,
    report_frequency: str = Pilot.Frequency.MONTHLY,
    budget_vnd: int = 0,
    resources: str = "",
    scope: str = "",
    implementers: list[User] | None = None,
    indicators: list[dict[str, Any]] | None = None,
    milestones: list[dict[str, Any]] | None = None,
) -> Pilot:
    """Turn an approved proposal into its one pilot (or implementation)."""
    proposal = Proposal.objects.select_for_update().select_related("reviewer_unit").get(pk=proposal.pk)
    ensure(
        permissions.can_create_for(actor, proposal),
        _("Only the head who approved the proposal can start its pilot."),
    )
    if proposal.status not in (Proposal.Status.APPROVED, Proposal.Status.APPROVED_BY_HEAD):
        raise InvalidTransition(_("Only an approved proposal can become a pilot."))
    if Pilot.objects.filter(proposal=proposal).exists():
        raise InvalidTransition(_("This proposal already has its pilot."))
    _check_dates(start_date, end_date)
    if budget_vnd is None or budget_vnd < 0:
        raise IncompleteInput({"budget_vnd": _("The budget cannot be negative.")})
    people = list(implementers or [proposal.author])
    if any(not person.is_active for person in people):
        raise IncompleteInput({"implementers": _("Every implementer must be an active person.")})
    cleaned_indicators = _clean_indicators(indicators or [])
    directing_unit = _directing_unit(proposal, people)
    today = timezone.localdate()
    pilot = Pilot(
        proposal=proposal, unit=proposal.unit, directing_unit=directing_unit,
        mode=proposal.decision_mode or Proposal.Mode.PILOT,
        status=Pilot.Status.PLANNED if start_date > today else Pilot.Status.ACTIVE,
        start_date=start_date, end_date=end_date, report_frequency=report_frequency, budget_vnd=budget_vnd,
        resources=resources or "", scope=scope or proposal.scope, created_by=actor,
    )  # fmt: skip
    pilot._change_reason = f"created by {actor.username}"
    pilot.save()
    pilot.implementers.set(people)
    for person in people:
        grant(person, "view_pilot", pilot)
        if person.pk != proposal.author_id:  # the proposal behind their pilot, to read
            grant(person, "view_proposal", proposal)
    for position, item in enumerate(cleaned_indicators):
        Indicator.objects.create(pilot=pilot, position=position, **item)
    for item in milestones or []:
        Milestone.objects.create(
            pilot=pilot, name=required_text(item.get("name"), "milestones")[:255], due_date=item["due_date"]
        )
    _schedule(pilot)
    _new_version(pilot, actor=actor, reason=_("Approved baseline"), reason_kind="plan_baseline")
    FLOW.log(pilot, action="create", actor=actor, from_status=Pilot.Status.PLANNED)
    _tell([*people, proposal.author], pilot, gettext_lazy("A pilot has been set up for your proposal."))
    return pilot


def _directing_unit(proposal: Proposal, implementers: list[User]):
    """The approving unit directs the pilot, unless its head carries it out: then the first
    superior unit whose head has no part in it (nobody directs or evaluates their own work)."""
    involved = {proposal.author_id, *proposal.co_implementers.values_list("pk", flat=True)}
    involved |= {person.pk for person in implementers}
    unit, _moved = RoleAssignment.objects.first_unit_not_headed_by(proposal.reviewer_unit, involved)
    head = RoleAssignment.objects.head_of(unit)
    if head is not None and head.pk in involved:
        raise DomainError(_("No superior unit can direct a pilot that its own head carries out."))
    return unit


@transaction.atomic
def pilot_start(*, pilot: Pilot, actor: User, day: datetime.date | None = None) -> Pilot:
    """A planned pilot becomes active on its start date (run by the daily sweep)."""
    pilot = FLOW.lock(pilot)
    if pilot.status != Pilot.Status.PLANNED or pilot.start_date > (day or timezone.localdate()):
        return pilot
    return FLOW.record(pilot, action="start", actor=actor, to_status=Pilot.Status.ACTIVE)


# --- monitoring ----------------------------------------------------------------------------------


@transaction.atomic
def pilot_adjust(*, actor: User, pilot: Pilot, reason: str, changes: dict[str, Any]) -> Pilot:
    """Change the plan with a reason; the new version is kept beside the approved baseline."""
    pilot, _stays = FLOW.begin(pilot, actor=actor, action="adjust")
    reason = required_text(reason, "reason")
    changed = [name for name in PLAN_FIELDS if name in changes and changes[name] != getattr(pilot, name)]
    for name in changed:
        setattr(pilot, name, changes[name])
    _check_dates(pilot.start_date, pilot.end_date)
    if pilot.budget_vnd is None or pilot.budget_vnd < 0:
        raise IncompleteInput({"budget_vnd": _("The budget cannot be negative.")})
    if "indicators" in changes:
        _replace_indicators(pilot, _clean_indicators(changes["indicators"]))
        changed.append("indicators")
    if not changed:
        raise IncompleteInput({"__all__": _("Nothing in the plan was changed.")})
    if {"start_date", "end_date", "report_frequency"} & set(changed):
        _reschedule(pilot)
    FLOW.record(pilot, action="adjust", actor=actor, note=reason)
    _new_version(pilot, actor=actor, reason=reason)
    _tell(pilot.implementers.all(), pilot, gettext_lazy("The plan of the pilot has been adjusted."), reason)
    return pilot


def _replace_indicators(pilot: Pilot, indicators: list[dict[str, Any]]) -> None:
    current = {i.name: i for i in pilot.indicators.all()}
    for position, item in enumerate(indicators):
        indicator = current.pop(item["name"], None) or Indicator(pilot=pilot, name=item["name"])
        indicator.unit, indicator.baseline, indicator.target = item["unit"], item["baseline"], item["target"]
        indicator.position, indicator.retired = position, False
        indicator._change_reason = "plan adjusted"
        indicator.save()
    for indicator in current.values():
        indicator.retired = True
        indicator._change_reason = "removed by a plan adjustment"
        indicator.save()


def _drop_periods(pilot: Pilot, reason: str, *, begun: bool) -> None:
    """The periods nobody has reported on that have not ended (or, `begun=False`, not begun): no
    report is owed for them any more."""
    today = timezone.localdate()
    ahead = Q(period_end__gte=today) if begun else Q(period_start__gt=today)
    for report in pilot.reports.filter(ahead, status=ProgressReport.Status.DUE):
        report._change_reason = reason
        report.delete()


def _reschedule(pilot: Pilot) -> None:
    """Drop the periods nobody has reported on yet and lay out the rest of the plan anew."""
    _drop_periods(pilot, "rescheduled by a plan adjustment", begun=True)
    last = pilot.reports.order_by("-period_end").values_list("period_end", flat=True).first()
    _schedule(pilot, after=max(filter(None, [pilot.start_date, last and last + datetime.timedelta(days=1)])))


@transaction.atomic
def pilot_suspend(*, actor: User, pilot: Pilot, reason: str) -> Pilot:
    pilot, to_status = FLOW.begin(pilot, actor=actor, action="suspend")
    reason = required_text(reason, "reason")
    pilot.suspended_on = timezone.localdate()
    FLOW.record(pilot, action="suspend", actor=actor, to_status=to_status, note=reason)
    _tell(pilot.implementers.all(), pilot, gettext_lazy("The pilot is suspended."), reason)
    return pilot


@transaction.atomic
def pilot_resume(*, actor: User, pilot: Pilot, reason: str) -> Pilot:
    """Resume; the reporting schedule moves on by the time the pilot stood still."""
    pilot, to_status = FLOW.begin(pilot, actor=actor, action="resume")
    reason = required_text(reason, "reason")
    paused = (timezone.localdate() - (pilot.suspended_on or timezone.localdate())).days
    if paused:
        shift = datetime.timedelta(days=paused)
        for report in pilot.reports.filter(
            status=ProgressReport.Status.DUE, period_end__gte=pilot.suspended_on
        ).order_by("-period_end"):
            report.period_start += shift
            report.period_end += shift
            report.due_date = add_working_days(report.period_end, rule("pilot_report_due_working_days"))
            report._change_reason = f"schedule paused {paused} days"
            report.save()
        pilot.end_date += shift
    pilot.suspended_on = None
    FLOW.record(pilot, action="resume", actor=actor, to_status=to_status, note=reason)
    if paused:
        _new_version(
            pilot, actor=actor, reason=_("Resumed after %(days)s days: dates moved on.") % {"days": paused},
            reason_kind="plan_resumed", params={"days": paused},
        )  # fmt: skip
    _tell(pilot.implementers.all(), pilot, gettext_lazy("The pilot is resumed."), reason)
    return pilot


@transaction.atomic
def pilot_terminate(*, actor: User, pilot: Pilot, reason: str) -> Pilot:
    """Stop the pilot for good; it still gets a results report and an evaluation."""
    pilot, to_status = FLOW.begin(pilot, actor=actor, action="terminate")
    reason = required_text(reason, "reason")
    pilot.results_report_due = add_working_days(timezone.localdate(), RESULTS_REPORT_WORKING_DAYS)
    _drop_periods(pilot, f"pilot terminated by {actor.username}", begun=False)
    FLOW.record(pilot, action="terminate", actor=actor, to_status=to_status, note=reason)
    _tell(pilot.implementers.all(), pilot, gettext_lazy("The pilot is terminated."), reason)
    return pilot


# --- completion and evaluation ----------------------------------------------------------------------


@transaction.atomic
def pilot_complete(*, actor: User, pilot: Pilot) -> Pilot:
    pilot, to_status = FLOW.begin(pilot, actor=actor, action="complete")
    today = timezone.localdate()
    pilot.completed_on = today
    pilot.results_report_due = add_working_days(today, RESULTS_REPORT_WORKING_DAYS)
    _drop_periods(pilot, f"pilot completed by {actor.username}", begun=False)
    FLOW.record(pilot, action="complete", actor=actor, to_status=to_status)
    _tell([_head_of(pilot)], pilot, gettext_lazy("The implementers have declared the pilot completed."))
    return pilot
