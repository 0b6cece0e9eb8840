"""The life of a pilot, one function per verb (STYLE rule 1): lock the row, check the
permission and the TRANSITIONS table, change, save with a history reason, write a transition
row, notify after commit."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots import permissions
from pilots.models import (
    CorrectiveAction,
    Indicator,
    IndicatorValue,
    Inspection,
    Milestone,
    Pilot,
    PilotAttachment,
    PlanVersion,
    ProgressReport,
)
from portal import voting
from portal.errors import DomainError, IncompleteInput, InvalidTransition
from portal.filetypes import store_upload
from portal.models import RoleAssignment, User
from portal.permissions import grant, revoke, users_granted
from portal.rules import rule
from portal.workdays import add_working_days
from portal.workflow import Workflow, ensure, required_text, tell
from proposals.models import Proposal

RESULTS_REPORT_WORKING_DAYS = 5  # the evaluation article: results report within 5 working days
EVALUATION_WORKING_DAYS = 7  # ... and the collective's evaluation within 7 working days of it
MAX_INDICATOR_VALUE = Decimal("1e15")
PLAN_FIELDS = ("start_date", "end_date", "budget_vnd", "resources", "scope", "report_frequency")

RULES = {
    "report": (permissions.is_implementer, gettext_lazy("Only the implementers report on the pilot.")),
    "complete": (permissions.is_implementer, gettext_lazy("Only the implementers declare completion.")),
    "results_report": (
        permissions.is_implementer,
        gettext_lazy("Only the implementers submit the results report."),
    ),
    "inspect": (
        permissions.is_inspector,
        gettext_lazy("Only an inspector assigned to this pilot can inspect it."),
    ),
    "adjust": (permissions.is_head, gettext_lazy("Only the head of the approving unit can adjust the plan.")),
    "suspend": (permissions.is_head, gettext_lazy("Only the head of the approving unit issues directives.")),
    "resume": (permissions.is_head, gettext_lazy("Only the head of the approving unit issues directives.")),
    "terminate": (
        permissions.is_head,
        gettext_lazy("Only the head of the approving unit issues directives."),
    ),
    "evaluate": (
        permissions.is_head,
        gettext_lazy("Only the head of the approving unit records the evaluation."),
    ),
}


FLOW = Workflow(
    model=Pilot,
    rules=RULES,
    related=("proposal", "proposal__reviewer_unit", "unit", "directing_unit"),
    refused=gettext_lazy("This action is not allowed while the pilot is “%(status)s”."),
)


# --- helpers -----------------------------------------------------------------------------------


def evaluation_exclusions(pilot: Pilot) -> dict[int, str]:
    """Who sits on the directing unit's collective but may not vote on the evaluation."""
    excluded = dict.fromkeys(pilot.implementers.values_list("pk", flat=True), voting.Exclusion.IMPLEMENTER)
    for pk in pilot.proposal.co_implementers.values_list("pk", flat=True):
        excluded[pk] = voting.Exclusion.CO_IMPLEMENTER
    excluded[pilot.proposal.author_id] = voting.Exclusion.AUTHOR
    return excluded


def _tell(recipients, pilot: Pilot, headline: str, detail: str = "") -> None:
    tell(recipients, "pilot_event", pilot, pilot=pilot, headline=headline, detail=detail)


def _head_of(pilot: Pilot) -> User | None:
    return RoleAssignment.objects.head_of(pilot.directing_unit)


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise IncompleteInput({field: _("Enter a number.")}) from None
    if not number.is_finite() or abs(number) >= MAX_INDICATOR_VALUE:
        raise IncompleteInput({field: _("Enter a number.")})
    return number.quantize(Decimal("0.0001"))


EARLIEST, LATEST = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)


def _check_dates(start: datetime.date, end: datetime.date) -> None:
    if end < start:
        raise IncompleteInput({"end_date": _("The end date cannot be before the start date.")})
    if start < EARLIEST or end > LATEST:
        raise IncompleteInput({"end_date": _("Dates must lie between 2000 and 2100.")})
    years = rule("pilot_max_years")
    if (end - start).days > years * 366:
        raise IncompleteInput(
            {"end_date": _("A pilot plan spans at most %(years)s years.") % {"years": years}}
        )


def _periods(
    start: datetime.date, end: datetime.date, frequency: str
) -> list[tuple[datetime.date, datetime.date]]:
    step = 1 if frequency == Pilot.Frequency.MONTHLY else 3
    periods = []
    period_start = start
    months = 0
    while period_start <= end:
        months += step
        year, month = divmod(start.month - 1 + months, 12)
        next_start = _clamp_day(start.year + year, month + 1, start.day)
        periods.append((period_start, min(next_start - datetime.timedelta(days=1), end)))
        period_start = next_start
    return periods


def _clamp_day(year: int, month: int, day: int) -> datetime.date:
    for candidate in (day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day, candidate))
        except ValueError:
            continue
    raise ValueError("no valid day")


def _schedule(pilot: Pilot, *, after: datetime.date | None = None) -> None:
    """Materialise the reporting periods as due rows (from `after` on, when rescheduling)."""
    for period_start, period_end in _periods(pilot.start_date, pilot.end_date, pilot.report_frequency):
        if after and period_end < after:
            continue
        report = ProgressReport(
            pilot=pilot,
            period_start=max(period_start, after) if after else period_start,
            period_end=period_end,
            due_date=add_working_days(period_end, rule("pilot_report_due_working_days")),
        )
        report._change_reason = "reporting schedule"
        report.save()


def _plan_snapshot(pilot: Pilot) -> dict[str, Any]:
    plan = {name: getattr(pilot, name) for name in PLAN_FIELDS}
    plan["start_date"], plan["end_date"] = pilot.start_date.isoformat(), pilot.end_date.isoformat()
    plan["indicators"] = [
        {"name": i.name, "unit": i.unit, "baseline": str(i.baseline), "target": str(i.target)}
        for i in pilot.indicators.filter(retired=False)
    ]
    return plan


def _new_version(
    pilot: Pilot, *, actor: User, reason: str, reason_kind: str = "", params: dict | None = None
) -> PlanVersion:
    """A new version of the plan; `reason` is what the head wrote, or (with `reason_kind`) the
    portal's words at the time, drawn anew in the reader's language."""
    number = (pilot.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return PlanVersion.objects.create(
        pilot=pilot, number=number, plan=_plan_snapshot(pilot), reason=reason, reason_kind=reason_kind,
        params=params or {}, created_by=actor,
    )  # fmt: skip


def _clean_indicators(indicators: list[dict[str, Any]]) -> list[dict[str, Any]]:
    cleaned, seen = [], set()
    for index, item in enumerate(indicators or []):
        name = required_text(item.get("name"), f"indicators[{index}].name")[:255]
        if name in seen:
            raise IncompleteInput({"indicators": _("Indicator names must be different.")})
        seen.add(name)
        cleaned.append(
            {
                "name": name,
                "unit": (item.get("unit") or "").strip()[:64],
                "baseline": _decimal(item.get("baseline"), f"indicators[{index}].baseline"),
                "target": _decimal(item.get("target"), f"indicators[{index}].target"),
            }
        )
    return cleaned


def _record_values(pilot: Pilot, values: list[dict[str, Any]], *, report=None, final: bool = False) -> None:
    """Store indicator values by name and keep each indicator's latest actual up to date."""
    indicators = {i.name: i for i in pilot.indicators.filter(retired=False)}
    today = report.period_end if report else timezone.localdate()
    for index, item in enumerate(values or []):
        name = item.get("name")
        if name not in indicators:
            raise IncompleteInput(
                {"indicator_values": _("Unknown indicator: %(name)s") % {"name": str(name)[:100]}}
            )
        value = _decimal(item.get("value"), f"indicator_values[{index}].value")
        indicator = indicators[name]
        IndicatorValue.objects.create(
            indicator=indicator, report=report, value=value, as_of=today, final=final
        )
        # The actual is the latest value by date, so correcting an old period keeps it.
        latest = indicator.values.order_by("-final", "-as_of", "-id").values_list("value", flat=True).first()
        if latest != indicator.actual:
            indicator.actual = latest
            indicator._change_reason = "value reported"
            indicator.save()


# --- creation ----------------------------------------------------------------------------------


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
def report_submit(
    *,
    actor: User,
    pilot: Pilot,
    period_end: datetime.date,
    summary: str,
    progress_percent: int,
    indicator_values: list[dict[str, Any]] | None = None,
    spending_vnd: int | None = None,
    issues: str = "",
) -> ProgressReport:
    """An implementer's progress report for the period ending on (or including) `period_end`."""
    pilot, _stays = FLOW.begin(pilot, actor=actor, action="report")
    if progress_percent is None or not 0 <= progress_percent <= 100:
        raise IncompleteInput({"progress_percent": _("Progress is a percentage from 0 to 100.")})
    if spending_vnd is not None and spending_vnd < 0:
        raise IncompleteInput({"spending_vnd": _("Spending cannot be negative.")})
    summary = required_text(summary, "summary")
    if not pilot.start_date <= period_end <= pilot.end_date:
        raise IncompleteInput({"period_end": _("The period must end within the pilot's duration.")})
    still_open = [ProgressReport.Status.DUE, ProgressReport.Status.CORRECTION]
    open_reports = pilot.reports.select_for_update().filter(status__in=still_open)
    covering = pilot.reports.filter(period_start__lte=period_end, period_end__gte=period_end)
    report = open_reports.filter(pk__in=covering.values("pk")).first()
    if report is None and covering.exists():
        # A period has one current report: a correction comes back through the head's review.
        raise InvalidTransition(
            _("The report for this period is already submitted; the head may ask for a correction.")
        )
    report = (
        report
        or open_reports.filter(period_end__lte=period_end).order_by("period_end").first()
        or ProgressReport(
            pilot=pilot,
            period_start=min(period_end, pilot.start_date),
            period_end=period_end,
            due_date=period_end,
        )
    )
    report.summary, report.progress_percent, report.issues = summary, progress_percent, (issues or "").strip()
    report.spending_vnd = spending_vnd
    report.status = ProgressReport.Status.SUBMITTED
    report.submitted_at, report.submitted_by = timezone.now(), actor
    report._change_reason = f"submitted by {actor.username}"
    report.save()
    _record_values(pilot, indicator_values or [], report=report)
    # Progress is that of the latest period reported, so correcting an old period keeps it.
    latest = (
        pilot.reports.exclude(status__in=[ProgressReport.Status.DUE, ProgressReport.Status.CORRECTION])
        .order_by("-period_end", "-id")
        .values_list("progress_percent", flat=True)
        .first()
    )
    pilot.progress_percent = latest if latest is not None else progress_percent
    FLOW.record(
        pilot, action="report", actor=actor, note=_("Progress %(p)s%%") % {"p": progress_percent},
        note_kind="progress", params={"percent": progress_percent},
    )  # fmt: skip
    _tell([_head_of(pilot)], pilot, gettext_lazy("A progress report has been submitted."), summary)
    return report


@transaction.atomic
def report_review(*, actor: User, report: ProgressReport, accept: bool, note: str = "") -> ProgressReport:
    """The head accepts a report, or asks for a correction (with the reason)."""
    pilot = FLOW.lock(report.pilot)
    ensure(permissions.is_head(actor, pilot), _("Only the head of the approving unit reviews reports."))
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ProgressReport.Status.SUBMITTED:
        raise InvalidTransition(_("Only a submitted report can be reviewed."))
    if not accept:
        note = required_text(note, "note")
    report.status = ProgressReport.Status.ACCEPTED if accept else ProgressReport.Status.CORRECTION
    report.review_note, report.reviewed_by = (note or "").strip(), actor
    report._change_reason = f"{'accepted' if accept else 'correction requested'} by {actor.username}"
    report.save()
    headline = (
        gettext_lazy("Your progress report was accepted.")
        if accept
        else gettext_lazy("A correction of your progress report is requested.")
    )
    FLOW.log(pilot, action="review", actor=actor, from_status=pilot.status, note=report.review_note)
    _tell(pilot.implementers.all(), pilot, headline, report.review_note)
    return report


@transaction.atomic
def inspection_record(
    *,
    actor: User,
    pilot: Pilot,
    findings: str,
    severity: str,
    corrective_actions: str = "",
    due_date: datetime.date | None = None,
) -> Inspection:
    pilot, _stays = FLOW.begin(pilot, actor=actor, action="inspect")
    findings = required_text(findings, "findings")
    if severity not in Inspection.Severity.values:
        raise IncompleteInput({"severity": _("Choose none, minor or major.")})
    corrective_actions = (corrective_actions or "").strip()
    if corrective_actions and due_date is None:
        raise IncompleteInput({"due_date": _("A corrective action needs a due date.")})
    if due_date is not None and due_date < timezone.localdate():
        raise IncompleteInput({"due_date": _("The due date cannot be in the past.")})
    inspection = Inspection(pilot=pilot, inspector=actor, findings=findings, severity=severity)
    inspection._change_reason = f"recorded by {actor.username}"
    inspection.save()
    if corrective_actions:
        CorrectiveAction.objects.create(
            inspection=inspection, description=corrective_actions, due_date=due_date
        )
    FLOW.log(pilot, action="inspect", actor=actor, from_status=pilot.status, note=findings)
    _tell(
        [_head_of(pilot), *pilot.implementers.all()],
        pilot,
        gettext_lazy("An inspection has been recorded."),
        findings,
    )
    return inspection


@transaction.atomic
def corrective_action_close(*, actor: User, action: CorrectiveAction, note: str) -> CorrectiveAction:
    action = (
        CorrectiveAction.objects.select_for_update().select_related("inspection__pilot").get(pk=action.pk)
    )
    pilot = action.inspection.pilot
    ensure(
        (permissions.is_inspector(actor, pilot) or permissions.is_head(actor, pilot)),
        _("Only an inspector of this pilot or the head closes corrective actions."),
    )
    if action.closed_on is not None:
        raise InvalidTransition(_("This corrective action is already closed."))
    action.closing_note = required_text(note, "note")
    action.closed_on, action.closed_by = timezone.localdate(), actor
    action._change_reason = f"closed by {actor.username}"
    action.save()
    FLOW.log(pilot, action="close_action", actor=actor, from_status=pilot.status, note=action.closing_note)
    return action


# --- adjustment and directives --------------------------------------------------------------------


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


def _reschedule(pilot: Pilot) -> None:
    """Drop the periods nobody has reported on yet and lay out the rest of the plan anew."""
    today = timezone.localdate()
    for report in pilot.reports.filter(status=ProgressReport.Status.DUE, period_end__gte=today):
        report._change_reason = "rescheduled by a plan adjustment"
        report.delete()
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
    FLOW.record(pilot, action="complete", actor=actor, to_status=to_status)
    _tell([_head_of(pilot)], pilot, gettext_lazy("The implementers have declared the pilot completed."))
    return pilot


@transaction.atomic
def pilot_results_report(
    *, actor: User, pilot: Pilot, summary: str, indicator_values: list[dict[str, Any]] | None = None
) -> Pilot:
    """The implementers' results report (within 5 working days); the evaluation is then due
    within 7 working days of it."""
    pilot, to_status = FLOW.begin(pilot, actor=actor, action="results_report")
    pilot.results_summary = required_text(summary, "summary")
    today = timezone.localdate()
    pilot.results_reported_on = today
    pilot.evaluation_due = add_working_days(today, EVALUATION_WORKING_DAYS)
    _record_values(pilot, indicator_values or [], final=True)
    FLOW.record(pilot, action="results_report", actor=actor, to_status=to_status, note=pilot.results_summary)
    _tell(
        [_head_of(pilot)],
        pilot,
        gettext_lazy("The results report has been submitted; the evaluation is due."),
    )
    return pilot


@transaction.atomic
def pilot_evaluate(
    *,
    actor: User,
    pilot: Pilot,
    outcome: str,
    damage: bool,
    objective_causes: str,
    subjective_causes: str,
    party_opinion: str,
    damage_vnd: int | None = None,
    indicator_values: list[dict[str, Any]] | None = None,
    votes_for: int | None = None,
    votes_against: int | None = None,
    votes_abstain: int | None = None,
    head_vote: str | None = None,
    votes: list[dict[str, str]] | None = None,
) -> Pilot:
    """The collective's evaluation after the Party committee's opinion, with its vote checked
    against the roll of the directing unit (the author and the implementers excluded); any
    outcome but `completed` opens an accountability case."""
    from accountability.services import case_open_for_outcome

    pilot, to_status = FLOW.begin(pilot, actor=actor, action="evaluate")
    minutes = None
    if votes is not None or votes_for is not None or votes_against is not None:
        minutes = voting.count_vote(
            unit=pilot.directing_unit, head=actor, exclusions=evaluation_exclusions(pilot),
            votes_for=votes_for, votes_against=votes_against, votes_abstain=votes_abstain,
            # The head puts the evaluation to the collective: with bare counts, they voted for it.
            head_vote=head_vote or (None if votes is not None else voting.Ballot.FOR), votes=votes,
        )  # fmt: skip
        if not minutes["passed"]:
            raise DomainError(
                _("The collective did not pass this evaluation, so it is not recorded: %(minutes)s")
                % {"minutes": voting.describe(minutes)}
            )
    if outcome not in Pilot.Outcome.values:
        raise IncompleteInput({"outcome": _("Choose completed, partially completed or not completed.")})
    if damage and (damage_vnd is None or damage_vnd < 0):
        raise IncompleteInput({"damage_vnd": _("Estimate the damage in đồng (0 or more).")})
    pilot.evaluation_party_opinion = required_text(party_opinion, "party_opinion")
    pilot.outcome, pilot.damage = outcome, bool(damage)
    pilot.damage_vnd = damage_vnd if damage else None
    pilot.objective_causes = (objective_causes or "").strip()
    pilot.subjective_causes = (subjective_causes or "").strip()
    if outcome != Pilot.Outcome.COMPLETED and not (pilot.objective_causes or pilot.subjective_causes):
        raise IncompleteInput(
            {"objective_causes": _("State the objective and subjective causes (Art. 11(4)).")}
        )
    pilot.evaluated_on = timezone.localdate()
    _record_values(pilot, indicator_values or [], final=True)
    params = {"outcome": outcome, **({"minutes": minutes} if minutes else {})}
    FLOW.record(
        pilot, action="evaluate", actor=actor, to_status=to_status, note=pilot.get_outcome_display(),
        note_kind="outcome", params=params,
    )  # fmt: skip
    if outcome != Pilot.Outcome.COMPLETED:
        case_open_for_outcome(actor=actor, pilot=pilot)
    evaluated = gettext_lazy("The pilot has been evaluated.")
    _tell([*pilot.implementers.all(), pilot.proposal.author], pilot, evaluated, Pilot.Outcome(outcome).label)
    return pilot


@transaction.atomic
def attachment_add(
    *,
    actor: User,
    pilot: Pilot,
    upload,
    name: str,
    description: str = "",
    report: ProgressReport | None = None,
) -> PilotAttachment:
    """Attach a file to the pilot (or one of its reports); the type is read from the content."""
    pilot = FLOW.lock(pilot)
    ensure(
        permissions.can_attach(actor, pilot),
        _("Only the implementers, the head and the inspectors attach files to a pilot."),
    )
    if report is not None and report.pilot_id != pilot.pk:
        raise IncompleteInput({"report": _("That report belongs to another pilot.")})
    attachment = PilotAttachment(pilot=pilot, report=report)
    store_upload(attachment, upload, name=name, description=description, actor=actor)
    FLOW.log(pilot, action="attach", actor=actor, from_status=pilot.status, note=attachment.original_name)
    return attachment


# --- inspectors of one pilot ------------------------------------------------------------------------


def pilot_inspectors(pilot: Pilot) -> list[User]:
    """The people assigned to inspect this pilot alone (beside the unit-wide inspectors)."""
    return users_granted(pilot, "inspect_pilot")


@transaction.atomic
def inspector_assign(*, actor: User, pilot: Pilot, user: User) -> Pilot:
    """Give one person the inspection of this pilot: they see it and inspect it, nothing else.
    Never someone with a part in it (author, co-implementer, implementer)."""
    pilot = FLOW.lock(pilot)
    ensure(
        permissions.can_assign_inspectors(actor, pilot),
        _("Only the head of the approving unit assigns inspectors to a pilot."),
    )
    check_inspection_open(pilot)
    if not user.is_active:
        raise IncompleteInput({"username": _("Choose an active person.")})
    if permissions.has_part_in(user, pilot):
        raise IncompleteInput(
            {"username": _("An implementer, co-implementer or the author can never inspect the pilot.")}
        )
    if any(person.pk == user.pk for person in pilot_inspectors(pilot)):
        raise IncompleteInput({"username": _("This person already inspects the pilot.")})
    grant(user, "inspect_pilot", pilot)
    grant(user, "view_pilot", pilot)
    grant(user, "view_proposal", pilot.proposal)
    FLOW.log(pilot, action="inspector_add", actor=actor, from_status=pilot.status, note=user.full_name,
         params={"username": user.username})  # fmt: skip
    _tell([user], pilot, gettext_lazy("You are assigned to inspect this pilot."))
    return pilot


@transaction.atomic
def inspector_remove(*, actor: User, pilot: Pilot, user: User) -> Pilot:
    pilot = FLOW.lock(pilot)
    ensure(
        permissions.can_assign_inspectors(actor, pilot),
        _("Only the head of the approving unit assigns inspectors to a pilot."),
    )
    if not any(person.pk == user.pk for person in pilot_inspectors(pilot)):
        raise IncompleteInput({"username": _("This person does not inspect the pilot.")})
    revoke(user, "inspect_pilot", pilot)
    revoke(user, "view_pilot", pilot)
    if not pilot.proposal.co_implementers.filter(pk=user.pk).exists():
        revoke(user, "view_proposal", pilot.proposal)
    FLOW.log(pilot, action="inspector_remove", actor=actor, from_status=pilot.status, note=user.full_name,
         params={"username": user.username})  # fmt: skip
    _tell([user], pilot, gettext_lazy("You no longer inspect this pilot."))
    return pilot


def check_inspection_open(pilot: Pilot) -> None:
    if pilot.status not in Pilot.TRANSITIONS["inspect"][0]:
        raise InvalidTransition(
            _("Inspectors can be assigned only while the pilot can be inspected (not “%(status)s”).")
            % {"status": pilot.get_status_display()}
        )
