"""Watching a running pilot: progress reports and their review, inspections and corrective
actions, attachments, the inspectors assigned."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots import permissions
from pilots.models import (
    CorrectiveAction,
    Inspection,
    Pilot,
    PilotAttachment,
    ProgressReport,
)
from pilots.services._base import (
    FLOW,
    _head_of,
    _record_values,
    _tell,
)
from portal.errors import IncompleteInput, InvalidTransition
from portal.filetypes import store_upload
from portal.models import User
from portal.permissions import grant, revoke, users_granted
from portal.workflow import ensure, required_text


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
