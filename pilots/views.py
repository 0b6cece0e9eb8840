"""Pages for pilots: load through the permission gate, bind a form, call a service."""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pilots import forms, permissions, services
from pilots.models import CorrectiveAction, Indicator, Inspection, Pilot, ProgressReport, plan_label
from pilots.permissions import get_pilot_for
from portal import voting
from portal.errors import DomainError, IncompleteInput, NotAllowed
from portal.filetypes import download
from portal.models import User
from portal.pagination import Paginator
from portal.permissions import load_visible
from portal.templatetags.portal_tags import vnd
from portal.text import shown_number
from proposals.forms import PersonForm
from proposals.permissions import get_proposal_for

PAGE_SIZE = 25

# action in the URL → (form, service call, the TRANSITIONS/RULES name it is checked against)
ACTIONS = {
    "report": (forms.ReportForm, "report"),
    "review": (forms.ReviewForm, None),
    "inspect": (forms.InspectionForm, "inspect"),
    "close-action": (forms.CloseActionForm, None),
    "adjust": (forms.AdjustForm, "adjust"),
    "suspend": (forms.ReasonForm, "suspend"),
    "resume": (forms.ReasonForm, "resume"),
    "terminate": (forms.ReasonForm, "terminate"),
    "complete": (forms.EmptyForm, "complete"),
    "results-report": (forms.ResultsReportForm, "results_report"),
    "evaluate": (forms.EvaluateForm, "evaluate"),
}
# The actions outside the state machine: who may take them, asked before the body is read.
GATES = {
    "review": (permissions.is_head, gettext_lazy("Only the head of the approving unit reviews reports.")),
    "close-action": (
        lambda user, pilot: permissions.is_inspector(user, pilot) or permissions.is_head(user, pilot),
        gettext_lazy("Only an inspector of this pilot or the head closes corrective actions."),
    ),
}
VOTE_FIELDS = ("votes_for", "votes_against", "votes_abstain", "head_vote", "votes")
NEEDS_PILOT = {"report", "results-report", "evaluate"}
# What an irreversible step means, said beside its button and asked again before it is sent.
CONSEQUENCES = {
    "terminate": gettext_lazy(
        "Terminating ends the pilot for good: it cannot be resumed or completed, and the implementers "
        "are told."
    ),
    "complete": gettext_lazy(
        "Declaring completion ends the pilot's work: no more progress reports; the results report is due "
        "within 5 working days."
    ),
    "results-report": gettext_lazy(
        "The results report is sent once; the collective then evaluates the pilot within 7 working days."
    ),
    "evaluate": gettext_lazy(
        "The evaluation is final: it records whether the pilot achieved its goals and, if it did not, "
        "opens an accountability case."
    ),
}

DONE = {
    "report": gettext_lazy("The progress report is submitted."),
    "review": gettext_lazy("The review is recorded."),
    "inspect": gettext_lazy("The inspection is recorded."),
    "close-action": gettext_lazy("The corrective action is closed."),
    "adjust": gettext_lazy("The plan is adjusted; a new version is kept."),
    "suspend": gettext_lazy("The pilot is suspended."),
    "resume": gettext_lazy("The pilot is resumed."),
    "terminate": gettext_lazy("The pilot is terminated."),
    "complete": gettext_lazy("Completion is declared; the results report is due within 5 working days."),
    "results-report": gettext_lazy(
        "The results report is submitted; the evaluation is due within 7 working days."
    ),
    "evaluate": gettext_lazy("The evaluation is recorded."),
}


def _form(action: str, pilot: Pilot, data=None):
    """The form of an action; its field ids carry the action's name, as several forms of one page
    have fields of the same name (a reason to suspend, a reason to terminate)."""
    form_class, _rule = ACTIONS[action]
    auto_id = f"id_{action.replace('-', '_')}_%s"
    if action in NEEDS_PILOT:
        return form_class(data, pilot=pilot, auto_id=auto_id)
    if action == "adjust":
        initial = {name: getattr(pilot, name) for name in services.PLAN_FIELDS}
        return form_class(
            data, initial={**initial, "indicators": forms.indicator_rows(pilot)}, auto_id=auto_id
        )
    return form_class(data, auto_id=auto_id)


def _may(user: User, pilot: Pilot, rule: str) -> bool:
    return services.FLOW.may(actor=user, obj=pilot, action=rule)


def _detail_context(request: HttpRequest, pilot: Pilot, bound: dict | None = None) -> dict:
    user = request.user
    bound = bound or {}
    action_forms = {
        action: bound.get(action) or _form(action, pilot)
        for action, (_form_class, rule) in ACTIONS.items()
        if rule and _may(user, pilot, rule)
    }
    # Another page may open a form with its reason written (an obstacle answered by adjustment).
    open_action = request.GET.get("open", "")
    if open_action == "adjust" and "adjust" in action_forms and not action_forms["adjust"].is_bound:
        action_forms["adjust"].initial["reason"] = request.GET.get("reason", "")[:2000]
    is_head = permissions.is_head(user, pilot)
    may_close = is_head or permissions.is_inspector(user, pilot)
    reports = list(pilot.reports.select_related("submitted_by"))
    indicators = list(pilot.indicators.filter(retired=False).prefetch_related("values"))
    versions = list(pilot.versions.all())
    timeline = list(pilot.transitions.select_related("actor"))
    evaluation = next((step for step in reversed(timeline) if step.action == "evaluate"), None)
    may_assign = permissions.can_assign_inspectors(user, pilot)
    return {
        "pilot": pilot,
        "action_forms": action_forms,
        "open_action": open_action,
        # one form per report to review and per action to close, each with its own field ids
        "review_forms": _per_item(
            forms.ReviewForm,
            [r for r in reports if r.status == ProgressReport.Status.SUBMITTED] if is_head else [],
            bound.get("review"),
            "report",
            "review",
        ),
        "close_forms": _per_item(
            forms.CloseActionForm,
            CorrectiveAction.objects.filter(inspection__pilot=pilot, closed_on=None) if may_close else [],
            bound.get("close-action"),
            "action",
            "close",
        ),
        "reports": reports,
        "indicators": indicators,
        "chart": _chart_data(indicators),
        "inspections": pilot.inspections.select_related("inspector").prefetch_related("actions"),
        "timeline": timeline,
        "evaluation_minutes": voting.minutes_view(evaluation.params.get("minutes")) if evaluation else None,
        "baseline": versions[0] if versions else None,
        "current_version": versions[-1] if versions else None,
        "changes": _plan_changes(versions),
        "inspectors": services.pilot_inspectors(pilot),
        "inspector_form": bound.get("inspector")
        or (PersonForm(purpose="inspectors", record=pilot.pk) if may_assign else None),
        # the case's own visibility rule (a confidential report stays hidden from whom it hides)
        "cases": pilot.cases.visible_to(request.user),
        "attachments": pilot.attachments.select_related("uploaded_by", "report"),
        "attachment_form": bound.get("attach")
        or (forms.AttachmentForm(pilot=pilot) if permissions.can_attach(user, pilot) else None),
        "is_head": is_head,
        "consequences": CONSEQUENCES,
    }


def _per_item(form_class, items, bound, key: str, name: str) -> dict[int, object]:
    """A form for each item (a report to review, an action to close) by its id; the form posted
    comes back, with its errors, under the item it was posted for."""
    posted = str(bound.data.get(key, "")) if bound is not None else ""
    return {
        item.pk: bound if posted == str(item.pk) else form_class(auto_id=f"id_{name}{item.pk}_%s")
        for item in items
    }


def _chart_data(indicators: list[Indicator]) -> dict:
    """Target vs actual over time, per indicator, for Chart.js (and the table beside it): the
    days in order, written dd/mm/yyyy, each indicator's values as they stand on those days."""
    days = sorted({value.as_of for indicator in indicators for value in indicator.reported()})
    label = {day: date_format(day, "SHORT_DATE_FORMAT") for day in days}
    return {
        "target_label": _("target"),
        "labels": [label[day] for day in days],
        "indicators": [
            {
                "name": indicator.name,
                "unit": indicator.unit,
                "baseline": float(indicator.baseline),
                "target": float(indicator.target),
                "points": [
                    {"x": label[value.as_of], "y": float(value.value)} for value in indicator.reported()
                ],
            }
            for indicator in indicators
        ],
    }


def _plan_changes(versions) -> list[dict]:
    """What the current plan changes against the approved baseline (version 1), for reading."""
    if len(versions) < 2:
        return []
    return [
        {**change, "before_text": readable(change["before"]), "after_text": readable(change["after"])}
        for change in versions[-1].changes_from(versions[0])
    ]


def plan_rows(version) -> list[tuple[str, str]]:
    """A plan version as label and readable value, field by field (the plan as approved, on a case)."""
    return [(str(plan_label(key)), readable(value)) for key, value in sorted(version.plan.items())]


def readable(value) -> str:
    """A plan value as a person reads it: dates dd/mm/yyyy, money in đồng, indicators by name."""
    if isinstance(value, list):
        lines = [
            f"{i.get('name')}: {shown_number(i.get('baseline'))} → {shown_number(i.get('target'))} "
            f"{i.get('unit') or ''}"
            for i in value
        ]
        return "; ".join(line.strip() for line in lines)
    if isinstance(value, int):
        return vnd(value)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
    if value in Pilot.Frequency.values:
        return Pilot.Frequency(value).label
    return "" if value is None else str(value)


@login_required
@require_POST
def inspector_change(request: HttpRequest, pk: int, change: str) -> HttpResponse:
    """The directing head assigns an inspector to this pilot alone, or removes one."""
    pilot = get_pilot_for(request.user, pk)
    if change not in {"add", "remove"}:
        raise Http404
    if not permissions.can_assign_inspectors(request.user, pilot):
        raise PermissionDenied
    form = PersonForm(request.POST, purpose="inspectors", record=pilot.pk)
    if form.is_valid():
        service = services.inspector_assign if change == "add" else services.inspector_remove
        try:
            service(actor=request.user, pilot=pilot, user=form.cleaned_data["username"])
        except IncompleteInput as error:
            for message in error.errors.values():
                form.add_error("username", message)
        except DomainError as error:
            messages.error(request, error.message)
            return render(request, "pilots/detail.html", _detail_context(request, pilot), status=409)
        else:
            done = _("The inspector is assigned.") if change == "add" else _("The inspector is removed.")
            messages.success(request, done)
            return redirect(pilot)
    return render(
        request, "pilots/detail.html", _detail_context(request, pilot, {"inspector": form}), status=400
    )


@login_required
@require_GET
def pilot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pilot = get_pilot_for(request.user, pk)
    return render(request, "pilots/detail.html", _detail_context(request, pilot))


@login_required
@require_POST
def pilot_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    pilot = get_pilot_for(request.user, pk)
    _form_class, rule = ACTIONS[action]
    if rule:
        try:
            services.FLOW.check(actor=request.user, obj=pilot, action=rule)
        except NotAllowed as error:
            raise PermissionDenied(error.message) from None
        except DomainError as error:
            messages.error(request, error.message)
            return render(request, "pilots/detail.html", _detail_context(request, pilot), status=409)
    if action in GATES and not GATES[action][0](request.user, pilot):
        raise PermissionDenied(str(GATES[action][1]))
    form = _form(action, pilot, request.POST)
    if not form.is_valid():
        return render(
            request, "pilots/detail.html", _detail_context(request, pilot, {action: form}), status=400
        )
    try:
        _run(request.user, pilot, action, form)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from None
    except IncompleteInput as error:
        for field, message in error.errors.items():
            form.add_error(field if field in form.fields else None, message)
        return render(
            request, "pilots/detail.html", _detail_context(request, pilot, {action: form}), status=400
        )
    except DomainError as error:
        messages.error(request, error.message)
        return render(request, "pilots/detail.html", _detail_context(request, pilot), status=409)
    messages.success(request, DONE[action])
    return redirect(pilot)


def _run(user: User, pilot: Pilot, action: str, form) -> None:
    data = dict(form.cleaned_data)
    if action == "report":
        values = form.indicator_values()
        services.report_submit(
            actor=user, pilot=pilot, period_end=data["period_end"], summary=data["summary"],
            progress_percent=data["progress_percent"], indicator_values=values,
            spending_vnd=data["spending_vnd"], issues=data["issues"],
        )  # fmt: skip
    elif action == "review":
        report = _owned(pilot.reports.all(), request_value=form.data.get("report"))
        services.report_review(actor=user, report=report, accept=data["accept"], note=data["note"])
    elif action == "inspect":
        services.inspection_record(actor=user, pilot=pilot, **data)
    elif action == "close-action":
        corrective = _owned(CorrectiveAction.objects.filter(inspection__pilot=pilot), form.data.get("action"))
        services.corrective_action_close(actor=user, action=corrective, note=data["note"])
    elif action == "adjust":
        reason = data.pop("reason")
        if data.get("indicators") is None:
            data.pop("indicators", None)
        services.pilot_adjust(actor=user, pilot=pilot, reason=reason, changes=data)
    elif action in ("suspend", "resume", "terminate"):
        getattr(services, f"pilot_{action}")(actor=user, pilot=pilot, reason=data["reason"])
    elif action == "complete":
        services.pilot_complete(actor=user, pilot=pilot)
    elif action == "results-report":
        services.pilot_results_report(
            actor=user, pilot=pilot, summary=data["summary"], indicator_values=form.indicator_values()
        )
    elif action == "evaluate":
        services.pilot_evaluate(
            actor=user, pilot=pilot, outcome=data["outcome"], damage=data["damage"],
            damage_vnd=data["damage_vnd"], objective_causes=data["objective_causes"],
            subjective_causes=data["subjective_causes"], party_opinion=data["party_opinion"],
            indicator_values=form.indicator_values(),
            **{name: data[name] for name in VOTE_FIELDS if name in data},
        )  # fmt: skip


def _owned(queryset, request_value):
    value = str(request_value or "")
    if not re.fullmatch(r"[0-9]{1,18}", value):
        raise Http404
    try:
        return queryset.get(pk=int(value))
    except queryset.model.DoesNotExist:
        raise Http404 from None


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    pilot = get_pilot_for(request.user, pk)
    if not permissions.can_attach(request.user, pilot):
        raise PermissionDenied
    form = forms.AttachmentForm(request.POST, request.FILES, pilot=pilot)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.attachment_add(
                actor=request.user, pilot=pilot, upload=upload, name=upload.name,
                description=form.cleaned_data["description"], report=form.cleaned_data["report"],
            )  # fmt: skip
        except IncompleteInput as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("The file is attached."))
            return redirect(pilot)
    return render(
        request, "pilots/detail.html", _detail_context(request, pilot, {"attach": form}), status=400
    )


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    pilot = get_pilot_for(request.user, pk)
    attachment = load_visible(request.user, pilot.attachments.all(), pk=attachment_pk)
    return download(attachment.file, filename=attachment.original_name, kind=attachment.kind)


@login_required
@require_http_methods(["GET", "POST"])
def pilot_create(request: HttpRequest, proposal_pk: int) -> HttpResponse:
    proposal = get_proposal_for(request.user, proposal_pk)
    if not permissions.can_create_for(request.user, proposal):
        raise PermissionDenied
    form = forms.PilotCreateForm(request.POST or None, initial=_plan_from(proposal), proposal=proposal)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                pilot = services.pilot_create(
                    actor=request.user,
                    proposal=proposal,
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    report_frequency=data["report_frequency"],
                    budget_vnd=data["budget_vnd"],
                    resources=data["resources"],
                    scope=data["scope"],
                    implementers=data["implementers"] or None,
                    indicators=data["indicators"],
                    milestones=data["milestones"],
                )
            except IncompleteInput as error:
                for field, message in error.errors.items():
                    form.add_error(field if field in form.fields else None, message)
            except DomainError as error:
                messages.error(request, error.message)
                return redirect(proposal)
            else:
                messages.success(request, _("The pilot is set up."))
                return redirect(pilot)
    return render(request, "pilots/create.html", {"form": form, "proposal": proposal}, status=status)


def _plan_from(proposal) -> dict:
    """The pilot's plan as the proposal set it out, for the head to confirm or change: its dates
    (a start already past moves to today, keeping the length), budget, resources and scope."""
    today = timezone.localdate()
    start, end = proposal.start_date, proposal.end_date
    if start and end and start < today:
        start, end = today, today + (end - start)
    return {
        "start_date": start,
        "end_date": end,
        "budget_vnd": proposal.budget_vnd or 0,
        "resources": proposal.resources,
        "scope": proposal.scope,
    }


def _list(request: HttpRequest, queryset, *, title: str, view: str) -> HttpResponse:
    status_filter = request.GET.get("status", "")
    if status_filter in Pilot.Status.values:
        queryset = queryset.filter(status=status_filter)
    page = Paginator(queryset.for_list().order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "title": title,
        "view": view,
        "statuses": Pilot.Status.choices,
        "status": status_filter,
        "query": urlencode({"status": status_filter}) if status_filter else "",
    }
    return render(request, "pilots/list.html", context)


@login_required
@require_GET
def pilot_list(request: HttpRequest) -> HttpResponse:
    """The pilots a person may see: as implementer, author, head, inspector or staff."""
    return _list(request, Pilot.objects.visible_to(request.user), title=_("Pilots in my units"), view="all")


@login_required
@require_GET
def reports_due(request: HttpRequest) -> HttpResponse:
    """The implementer's progress reports and results reports still to hand in."""
    reports = ProgressReport.objects.filter(
        pilot__implementers=request.user,
        pilot__status=Pilot.Status.ACTIVE,
        status__in=[ProgressReport.Status.DUE, ProgressReport.Status.CORRECTION],
    ).select_related("pilot", "pilot__proposal")
    results = Pilot.objects.filter(
        implementers=request.user, status__in=[Pilot.Status.COMPLETED, Pilot.Status.TERMINATED]
    ).select_related("proposal")
    return render(request, "pilots/reports_due.html", {"reports": reports, "results": results})


@login_required
@require_GET
def my_inspections(request: HttpRequest) -> HttpResponse:
    """The inspector's inspections and the corrective actions still open on pilots they cover."""
    pilots = Pilot.objects.visible_to(request.user)
    actions = (
        CorrectiveAction.objects.filter(closed_on__isnull=True, inspection__pilot__in=pilots)
        .select_related("inspection", "inspection__pilot", "inspection__pilot__proposal")
        .order_by("due_date")
    )
    inspections = (
        Inspection.objects.filter(inspector=request.user)
        .select_related("pilot", "pilot__proposal")
        .order_by("-inspected_on", "-id")
    )
    return render(request, "pilots/inspections.html", {"actions": actions, "inspections": inspections})
