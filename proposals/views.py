"""Pages for proposals: thin views that load through the permission gate, bind a form and call
a service. Broken rules come back as form errors (400) or a clear message (409), never a 500."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import voting
from portal.errors import DomainError, IncompleteInput, NotAllowed
from portal.filetypes import download
from portal.models import User
from portal.pagination import Paginator
from portal.permissions import has_role
from portal.templatetags.portal_tags import vnd
from portal.work import WorkSection
from proposals import permissions, services
from proposals.forms import (
    SECTIONS,
    AttachmentForm,
    DecideForm,
    FilterForm,
    OptionalReasonForm,
    OverrideForm,
    PartyOpinionForm,
    PersonForm,
    ProposalForm,
    ReasonForm,
)
from proposals.models import Proposal, missing_message
from proposals.permissions import get_attachment_for, get_proposal_for

PAGE_SIZE = 25
APPROVED_STATES = (Proposal.Status.APPROVED, Proposal.Status.APPROVED_BY_HEAD)

# action in the URL → (form, service, who may see the form)
ACTIONS = {
    "submit": (None, services.proposal_submit, permissions.is_author),
    "withdraw": (OptionalReasonForm, services.proposal_withdraw, permissions.is_author),
    "return": (ReasonForm, services.proposal_return, permissions.can_review),
    "party-opinion": (PartyOpinionForm, services.proposal_record_party_opinion, permissions.can_review),
    "decide": (DecideForm, services.proposal_decide, permissions.can_review),
    "override": (OverrideForm, services.proposal_override, permissions.can_review),
    "reject": (ReasonForm, services.proposal_reject, permissions.can_review),
}
# What an irreversible step means, said beside its button and asked again before it is sent.
CONSEQUENCES = {
    "withdraw": gettext_lazy("Withdrawing ends the proposal: it cannot be submitted again."),
    "reject": gettext_lazy("Rejecting ends the proposal; its author is told the reason."),
    "decide": gettext_lazy("The vote is recorded as cast and cannot be changed afterwards."),
    "override": gettext_lazy(
        "You approve the proposal although the collective did not, and you answer for it personally."
    ),
}
# which actions each state offers (the TRANSITIONS table, from the screen's side)
STATE_ACTIONS = {
    Proposal.Status.DRAFT: ["submit", "withdraw"],
    Proposal.Status.RETURNED: ["submit", "withdraw"],
    Proposal.Status.SUBMITTED: ["party-opinion", "decide", "return", "withdraw"],
    Proposal.Status.COLLECTIVE_REJECTED: ["override", "reject"],
}


def _form_for(action: str, proposal: Proposal, data=None):
    form_class = ACTIONS[action][0]
    if form_class is None:
        return None
    if hasattr(form_class, "for_proposal"):
        return form_class.for_proposal(proposal, data)
    return form_class(data)


def _apply_errors(form, error: IncompleteInput) -> None:
    for field, message in error.errors.items():
        form.add_error(field if form is not None and field in form.fields else None, message)


def _paged_list(request: HttpRequest, queryset, *, title: str, view: str) -> HttpResponse:
    filters = FilterForm(request.GET or None)
    queryset = filters.apply(queryset.for_list())
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "filters": filters, "title": title, "view": view, "query": query.urlencode(),
               "can_create": permissions.can_create(request.user)}  # fmt: skip
    # htmx asks for the results alone when a filter changes.
    template = "proposals/_results.html" if request.headers.get("HX-Request") else "proposals/list.html"
    return render(request, template, context)


@login_required
@require_GET
def proposal_list(request: HttpRequest) -> HttpResponse:
    """My proposals: written by me or with me as co-implementer."""
    mine = Proposal.objects.mine(request.user)
    return _paged_list(request, mine, title=_("My proposals"), view="mine")


@login_required
@require_GET
def proposal_inbox(request: HttpRequest) -> HttpResponse:
    """Waiting for my decision, the earliest due first."""
    waiting = Proposal.objects.awaiting_decision_by(request.user).order_by("decision_due", "id")
    return _paged_list(request, waiting, title=_("Waiting for my decision"), view="inbox")


@login_required
@require_GET
def proposal_all(request: HttpRequest) -> HttpResponse:
    """Every proposal the person may see (heads, inspectors, Organisation Committee)."""
    visible = Proposal.objects.visible_to(request.user).latest_received()
    return _paged_list(request, visible, title=_("Proposals in my units"), view="all")


@login_required
@require_http_methods(["GET", "POST"])
def proposal_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_create(request.user):
        raise PermissionDenied(_("You need an open unit to write a proposal."))
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        proposal = services.proposal_create(author=request.user, data=form.cleaned_data)
        messages.success(request, _("The draft is saved."))
        return redirect("proposal-edit", proposal.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "proposals/form.html", {"form": form, "proposal": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for(request.user, pk)
    if not permissions.can_edit(request.user, proposal):
        raise PermissionDenied(_("Only the author can edit the proposal."))
    if proposal.status not in Proposal.EDITABLE_STATES:
        messages.info(request, _("A proposal can be edited only as a draft or when returned for completion."))
        return redirect(proposal)
    form = ProposalForm(request.POST or None, instance=Proposal.objects.get(pk=proposal.pk))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.proposal_update(actor=request.user, proposal=proposal, data=form.cleaned_data)
            except DomainError as error:
                messages.error(request, error.message)
                return redirect(proposal)
            if "submit" not in request.POST:
                messages.success(request, _("The draft is saved."))
                return redirect("proposal-edit", proposal.pk)
            proposal.refresh_from_db()
            if not proposal.missing_fields():
                return redirect("proposal-check", proposal.pk)
            # The edit is kept; what submission still needs is said beside each field.
            for name in proposal.missing_fields():
                form.add_error(name, missing_message(name))
            messages.info(request, _("The draft is saved. Fill in what is marked before you submit it."))
        else:
            status = 400
    proposal.refresh_from_db()
    context = {"form": form, "proposal": proposal, "tasks": _tasks(proposal)}
    return render(request, "proposals/form.html", context, status=status)


def _tasks(proposal: Proposal) -> list[dict]:
    """The plan's sections as a task list: each done or still to do, with what it lacks."""
    missing = set(proposal.missing_fields())
    return [
        {"number": number, "title": title, "missing": [name for name in names if name in missing]}
        for number, (title, names) in enumerate(SECTIONS, start=1)
    ]


def _label(name: str) -> str:
    return Proposal._meta.get_field(name).verbose_name


def _answer(proposal: Proposal, name: str) -> str:
    """A field of the plan as the person reads it back: a choice by its label, dates dd/mm/yyyy,
    the budget in đồng, a confirmation as yes or no."""
    field = Proposal._meta.get_field(name)
    value = getattr(proposal, name)
    if value in (None, ""):
        return ""
    if field.choices:
        return getattr(proposal, f"get_{name}_display")()
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if name == "budget_vnd":
        return vnd(value)
    return str(value)


@login_required
@require_GET
def proposal_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Check your answers: the plan as it will be sent, each answer with a link to change it; the
    submit button (with what submitting means) only once nothing is missing."""
    proposal = get_proposal_for(request.user, pk)
    if not permissions.can_edit(request.user, proposal):
        raise PermissionDenied(_("Only the author can submit the proposal."))
    if proposal.status not in Proposal.EDITABLE_STATES:
        messages.info(request, _("This proposal is no longer a draft."))
        return redirect(proposal)
    missing = proposal.missing_fields()
    sections = [
        (title, [(_label(name), _answer(proposal, name), name) for name in names])
        for title, names in SECTIONS
    ]
    context = {
        "proposal": proposal,
        "sections": sections,
        "missing": [(name, missing_message(name)) for name in missing],
    }
    return render(request, "proposals/check.html", context)


def _detail_context(request: HttpRequest, proposal: Proposal, bound: dict | None = None) -> dict:
    user = request.user
    bound = bound or {}
    forms = {}
    for action in STATE_ACTIONS.get(proposal.status, []):
        allowed = ACTIONS[action][2]
        if action == "submit" and proposal.missing_fields():
            continue  # offered once the plan is complete; until then the page says what is missing
        if action == "party-opinion" and proposal.party_opinion_on is not None:
            continue  # recorded once; the page shows it
        if action == "decide" and not proposal.party_opinion:
            continue  # the collective votes after the Party committee's opinion (Art. 8(1))
        if allowed(user, proposal):
            forms[action] = bound.get(action) or _form_for(action, proposal)
    can_attach = permissions.can_attach(user, proposal) and proposal.status in Proposal.EDITABLE_STATES
    is_author = permissions.is_author(user, proposal)
    timeline = list(proposal.transitions.select_related("actor"))
    decision = next((step for step in reversed(timeline) if step.action == "decide"), None)
    return {
        "proposal": proposal,
        "action_forms": forms,
        "timeline": timeline,
        "minutes": voting.minutes_view(decision.params.get("minutes")) if decision else None,
        "attachments": proposal.attachments.select_related("uploaded_by"),
        "co_implementers": proposal.co_implementers.order_by("full_name"),
        "attachment_form": bound.get("attach") or (AttachmentForm() if can_attach else None),
        "co_implementer_form": bound.get("co")
        or (
            PersonForm(purpose="co-implementers", record=proposal.pk)
            if is_author and proposal.status in Proposal.EDITABLE_STATES
            else None
        ),
        "is_author": is_author,
        "pilot": getattr(proposal, "pilot", None) if proposal.status in APPROVED_STATES else None,
        "can_start_pilot": proposal.status in APPROVED_STATES and permissions.can_review(user, proposal),
        "can_edit": is_author and proposal.status in Proposal.EDITABLE_STATES,
        "consequences": CONSEQUENCES,
        "vote_waits_for_party": "decide" in STATE_ACTIONS.get(proposal.status, [])
        and not proposal.party_opinion
        and permissions.can_review(user, proposal),
        "missing": [(name, _label(name)) for name in proposal.missing_fields()]
        if proposal.status in Proposal.EDITABLE_STATES
        else [],
    }


@login_required
@require_GET
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for(request.user, pk)
    return render(request, "proposals/detail.html", _detail_context(request, proposal))


def _run_action(request: HttpRequest, proposal: Proposal, action: str) -> HttpResponse:
    service = ACTIONS[action][1]
    try:
        services.FLOW.check(actor=request.user, obj=proposal, action=action.replace("-", "_"))
    except NotAllowed as error:
        raise PermissionDenied(error.message) from None
    except DomainError as error:
        messages.error(request, error.message)
        return render(request, "proposals/detail.html", _detail_context(request, proposal), status=409)
    form = _form_for(action, proposal, request.POST)
    if form is not None and not form.is_valid():
        context = _detail_context(request, proposal, {action: form})
        return render(request, "proposals/detail.html", context, status=400)
    try:
        service(actor=request.user, proposal=proposal, **(form.cleaned_data if form else {}))
    except NotAllowed as error:
        raise PermissionDenied(error.message) from None
    except IncompleteInput as error:
        if form is None:  # a submission with the plan incomplete: the check page says what and where
            messages.error(request, _("The proposal cannot be submitted yet: fill in what is marked."))
            return redirect("proposal-check", proposal.pk)
        _apply_errors(form, error)
        return render(
            request, "proposals/detail.html", _detail_context(request, proposal, {action: form}), status=400
        )
    except DomainError as error:
        messages.error(request, error.message)
        context = _detail_context(request, proposal, {action: form} if form else None)
        return render(request, "proposals/detail.html", context, status=409)
    messages.success(request, DONE_MESSAGES[action])
    return redirect(proposal)


DONE_MESSAGES = {
    "submit": gettext_lazy("The proposal is submitted; the decision is due within 7 working days."),
    "withdraw": gettext_lazy("The proposal is withdrawn."),
    "return": gettext_lazy("The proposal is returned to its author for completion."),
    "party-opinion": gettext_lazy("The Party committee's opinion is recorded."),
    "decide": gettext_lazy("The collective's vote is recorded."),
    "override": gettext_lazy("Your decision and statement of responsibility are recorded."),
    "reject": gettext_lazy("The proposal is rejected."),
}


@login_required
@require_POST
def proposal_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    proposal = get_proposal_for(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    return _run_action(request, proposal, action)


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for(request.user, pk)
    if not permissions.can_attach(request.user, proposal):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.attachment_add(
                actor=request.user, proposal=proposal, upload=upload, name=upload.name,
                description=form.cleaned_data["description"],
            )  # fmt: skip
        except IncompleteInput as error:
            _apply_errors(form, error)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(proposal)
        else:
            messages.success(request, _("The file is attached."))
            return redirect(proposal)
    return render(
        request, "proposals/detail.html", _detail_context(request, proposal, {"attach": form}), status=400
    )


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    attachment = get_attachment_for(request.user, pk, attachment_pk)
    return download(attachment.file, filename=attachment.original_name, kind=attachment.kind)


@login_required
@require_POST
def co_implementer_change(request: HttpRequest, pk: int, change: str) -> HttpResponse:
    proposal = get_proposal_for(request.user, pk)
    if change not in {"add", "remove"}:
        raise Http404
    if not permissions.is_author(request.user, proposal):
        raise PermissionDenied
    if proposal.status not in Proposal.EDITABLE_STATES:
        messages.error(request, _("Co-implementers can be changed only on a draft or a returned proposal."))
        return redirect(proposal)
    form = PersonForm(request.POST, purpose="co-implementers", record=proposal.pk)
    if not form.is_valid():
        return render(
            request, "proposals/detail.html", _detail_context(request, proposal, {"co": form}), status=400
        )
    service = services.co_implementer_add if change == "add" else services.co_implementer_remove
    try:
        service(actor=request.user, proposal=proposal, user=form.cleaned_data["username"])
    except IncompleteInput as error:
        _apply_errors(form, error)
        return render(
            request, "proposals/detail.html", _detail_context(request, proposal, {"co": form}), status=400
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(proposal)


# --- "My work" sections --------------------------------------------------------------------


def my_drafts_section(user: User) -> WorkSection | None:
    drafts = Proposal.objects.filter(author=user, status__in=Proposal.EDITABLE_STATES).for_list()
    return WorkSection.first_of(
        drafts.order_by("-updated_at", "-id"), title=_("My proposals to complete"),
        template="proposals/_work_items.html",
    )  # fmt: skip


def decisions_section(user: User) -> WorkSection | None:
    if not has_role(user, "head"):
        return None
    waiting = Proposal.objects.awaiting_decision_by(user).for_list().order_by("decision_due", "id")
    return WorkSection.first_of(
        waiting, title=_("Waiting for my decision"), template="proposals/_work_items.html"
    )


work_sections = [decisions_section, my_drafts_section]
