"""Pages for accountability cases (Hồ sơ trách nhiệm): the list, "my cases", the case with its
evidence and the forms for whoever may act. Thin: gate → form → service → redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accountability import evidence, forms, permissions, services
from accountability.models import Case
from accountability.permissions import get_attachment_for, get_case_for
from portal import voting
from portal.errors import DomainError, IncompleteInput, NotAllowed
from portal.filetypes import download
from portal.models import User
from portal.pagination import Paginator
from portal.work import WorkSection
from proposals.permissions import get_proposal_for

PAGE_SIZE = 25

# action in the URL → (form, service, the TRANSITIONS name)
ACTIONS = {
    "review": (forms.ReviewForm, services.case_review, "review"),
    "determine": (None, services.case_determine, "determine"),  # the form depends on the kind
    "relief": (forms.ReliefForm, services.case_relief, "relief"),
    "referral-outcome": (forms.ReferralOutcomeForm, services.case_referral_outcome, "referral_outcome"),
    "explanation": (forms.ExplanationForm, services.case_explain, "explanation"),
}
DONE = {
    "review": gettext_lazy("Your review is recorded."),
    "determine": gettext_lazy("The determination is recorded."),
    "relief": gettext_lazy("The decision is recorded."),
    "referral-outcome": gettext_lazy("The outcome of the referral is recorded."),
    "explanation": gettext_lazy("Your explanation is recorded."),
}


def _form_class(action: str, case: Case):
    if action == "determine":
        return (
            forms.OutcomeDeterminationForm
            if case.kind == Case.Kind.OUTCOME
            else forms.ReportDeterminationForm
        )
    return ACTIONS[action][0]


def _context(request: HttpRequest, case: Case, bound: dict | None = None) -> dict:
    user, bound = request.user, bound or {}
    action_forms = {
        action: bound.get(action) or _form_class(action, case)()
        for action, (_form, _service, name) in ACTIONS.items()
        if services.FLOW.may(actor=user, obj=case, action=name)
    }
    decision = case.proposal.transitions.filter(action="decide").last()
    return {
        "case": case,
        "action_forms": action_forms,
        "sees_reporter": permissions.sees_reporter(user, case),
        "hidden_actor_id": permissions.hidden_actor_id(user, case),
        "timeline": case.transitions.select_related("actor"),
        "reviews": case.reviews.select_related("inspector"),
        "explanations": case.explanations.select_related("author").prefetch_related("attachments"),
        "minutes": voting.minutes_view(decision.params.get("minutes")) if decision else None,
        "pilot_timeline": case.pilot.transitions.select_related("actor") if case.pilot else [],
        "inspections": case.pilot.inspections.prefetch_related("actions") if case.pilot else [],
        **evidence.of_case(case),
    }


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """Hồ sơ trách nhiệm: the cases the person may see, with filters."""
    cases = Case.objects.visible_to(request.user).for_list()
    filters = {key: request.GET.get(key, "") for key in ("kind", "status", "unit", "overdue")}
    if filters["kind"] in Case.Kind.values:
        cases = cases.filter(kind=filters["kind"])
    if filters["status"] in Case.Status.values:
        cases = cases.filter(status=filters["status"])
    if filters["unit"]:
        cases = cases.filter(unit__code=filters["unit"][:32])
    if filters["overdue"] == "1":
        today = timezone.localdate()
        cases = cases.filter(
            Q(status=Case.Status.OPEN, determination_due__lt=today)
            | Q(status__in=[Case.Status.RELIEF_RECOMMENDED, Case.Status.REFERRED], decision_due__lt=today)
        )
    return _list(request, cases, title=_("Accountability cases"), filters=filters)


@login_required
@require_GET
def my_cases(request: HttpRequest) -> HttpResponse:
    return _list(
        request, Case.objects.filter(subject=request.user).for_list(), title=_("Cases about me"), filters={}
    )


def _query(request: HttpRequest) -> str:
    """The list's filters, for the links to its other pages."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _list(request: HttpRequest, cases, *, title: str, filters: dict) -> HttpResponse:
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page, "title": title, "filters": filters, "kinds": Case.Kind.choices,
        "statuses": Case.Status.choices, "today": timezone.localdate(), "query": _query(request),
    }  # fmt: skip
    return render(request, "accountability/list.html", context)


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk)
    return render(request, "accountability/detail.html", _context(request, case))


@login_required
@require_POST
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    case = get_case_for(request.user, pk)
    _form, service, name = ACTIONS[action]
    try:
        services.FLOW.check(actor=request.user, obj=case, action=name)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from None
    except DomainError as error:
        messages.error(request, error.message)
        return render(request, "accountability/detail.html", _context(request, case), status=409)
    form = _form_class(action, case)(request.POST, request.FILES)
    if form.is_valid():
        try:
            service(actor=request.user, case=case, **form.cleaned_data)
        except IncompleteInput as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
        except DomainError as error:
            messages.error(request, error.message)
            return render(
                request, "accountability/detail.html", _context(request, case, {action: form}), status=409
            )
        else:
            messages.success(request, DONE[action])
            return redirect("case-detail", case.pk)
    return render(request, "accountability/detail.html", _context(request, case, {action: form}), status=400)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """A file given with an explanation, to whoever may see the case."""
    attachment = get_attachment_for(request.user, pk, attachment_pk)
    return download(attachment.file, filename=attachment.original_name, kind=attachment.kind)


@login_required
@require_http_methods(["GET", "POST"])
def case_report(request: HttpRequest) -> HttpResponse:
    """An inspector or a head reports suspected abuse or obstruction."""
    if not permissions.may_report(request.user):
        raise PermissionDenied
    form = forms.CaseReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            proposal = get_proposal_for(request.user, data.pop("proposal"))
            case = services.case_report(actor=request.user, proposal=proposal, **data)
        except Http404:
            form.add_error("proposal", _("No proposal you can see has this id."))
        except NotAllowed as error:
            form.add_error(None, error.message)
        except IncompleteInput as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("The report is recorded as a confidential case."))
            return redirect("case-detail", case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "accountability/report.html", {"form": form}, status=status)


def waiting_cases_section(user: User) -> WorkSection | None:
    """Cases about this person that are not closed, and cases waiting for them as a head."""
    waiting = Case.objects.waiting_for(user).for_list()  # all of them visible to the person
    return WorkSection.first_of(
        waiting, title=_("Accountability cases"), template="accountability/_work_cases.html"
    )


work_sections = [waiting_cases_section]
