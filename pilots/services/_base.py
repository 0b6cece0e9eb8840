"""What the pilot services share: the rules, the workflow, the schedule of reports and the
plan's versions."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots import permissions
from pilots.models import (
    IndicatorValue,
    Pilot,
    PlanVersion,
    ProgressReport,
)
from portal import voting
from portal.errors import IncompleteInput
from portal.models import RoleAssignment, User
from portal.rules import rule
from portal.workdays import add_working_days
from portal.workflow import Workflow, required_text, tell

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
