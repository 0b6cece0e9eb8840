"""Pages for obstacles: raising one from the pilot page, the obstacle with its answer forms, and
"Việc của tôi" sections. Thin: gate → form → service → redirect."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pilots import services as pilot_services
from pilots.permissions import get_pilot_for
from portal.errors import DomainError, IncompleteInput, NotAllowed
from portal.filetypes import download
from portal.models import RoleAssignment, User
from portal.work import WorkSection
from support import forms, permissions, services
from support.models import Obstacle
from support.permissions import get_attachment_for, get_obstacle_for

# action in the URL → (form, service, the TRANSITIONS name)
ACTIONS = {
    "answer": (forms.AnswerForm, services.obstacle_answer, "answer"),
    "escalate": (forms.EscalateForm, services.obstacle_escalate, "escalate"),
    "confirm": (forms.ConfirmForm, services.obstacle_confirm, "confirm"),
}
DONE = {
    "answer": gettext_lazy("Your answer is recorded."),
    "escalate": gettext_lazy("The obstacle is escalated to the unit above."),
    "confirm": gettext_lazy("Your confirmation is recorded."),
}


def _errors_to(form, error: IncompleteInput) -> None:
    for field, message in error.errors.items():
        form.add_error(field if field in form.fields else None, message)


def _context(request: HttpRequest, obstacle: Obstacle, bound: dict | None = None) -> dict:
    user, bound = request.user, bound or {}
    action_forms = {
        action: bound.get(action) or form_class()
        for action, (form_class, _service, name) in ACTIONS.items()
        if services.FLOW.may(actor=user, obj=obstacle, action=name)
    }
    attach = bound.get("attach") or (forms.AttachForm() if permissions.can_attach(user, obstacle) else None)
    return {
        "obstacle": obstacle,
        "action_forms": action_forms,
        "attach_form": attach,
        "timeline": obstacle.transitions.select_related("actor"),
        "attachments": obstacle.attachments.select_related("uploaded_by"),
        "answerer": RoleAssignment.objects.head_of(obstacle.answerer_unit),
    }


def _page(request, obstacle, bound=None, status=200) -> HttpResponse:
    return render(request, "support/detail.html", _context(request, obstacle, bound), status=status)


@login_required
@require_GET
def obstacle_list(request: HttpRequest) -> HttpResponse:
    """Obstacles the person may see; by default those still waiting for an answer."""
    status = request.GET.get("status", "open")
    obstacles = Obstacle.objects.visible_to(request.user).for_list()
    if status in Obstacle.Status.values:
        obstacles = obstacles.filter(status=status)
    context = {"obstacles": obstacles[:200], "status": status, "statuses": Obstacle.Status.choices}
    return render(request, "support/list.html", context)


@login_required
@require_GET
def obstacle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, get_obstacle_for(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def obstacle_raise(request: HttpRequest, pilot_pk: int) -> HttpResponse:
    """An implementer raises what blocks the pilot and what is asked."""
    pilot = get_pilot_for(request.user, pilot_pk)
    try:
        services.check_raise(actor=request.user, pilot=pilot)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from None
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(pilot)
    form = forms.RaiseForm(request.POST or None, request.FILES or None, pilot=pilot)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        report_id = data.pop("report")
        data["report"] = pilot.reports.filter(pk=report_id).first() if report_id else None
        try:
            obstacle = services.obstacle_raise(actor=request.user, pilot=pilot, **data)
        except IncompleteInput as error:
            _errors_to(form, error)
        else:
            messages.success(request, _("The obstacle is sent; the answer is due by %(due)s.") % {
                "due": obstacle.answer_due.strftime("%d/%m/%Y")})  # fmt: skip
            return redirect(obstacle)
    status = 400 if request.method == "POST" else 200
    return render(request, "support/raise.html", {"form": form, "pilot": pilot}, status=status)


@login_required
@require_POST
def obstacle_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS and action != "attach":
        raise Http404
    obstacle = get_obstacle_for(request.user, pk)
    if action == "attach":
        return _attach(request, obstacle)
    form_class, service, name = ACTIONS[action]
    try:
        services.FLOW.check(actor=request.user, obj=obstacle, action=name)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from None
    except DomainError as error:
        messages.error(request, error.message)
        return _page(request, obstacle, status=409)
    form = form_class(request.POST)
    if not form.is_valid():
        return _page(request, obstacle, {action: form}, status=400)
    try:
        obstacle = service(actor=request.user, obstacle=obstacle, **form.cleaned_data)
    except IncompleteInput as error:
        _errors_to(form, error)
        return _page(request, obstacle, {action: form}, status=400)
    except DomainError as error:
        messages.error(request, error.message)
        return _page(request, obstacle, status=409)
    messages.success(request, DONE[action])
    if obstacle.decision == Obstacle.Decision.ADJUSTMENT_STARTED and action == "answer":
        return _to_adjustment(request.user, obstacle)
    return redirect(obstacle)


def _to_adjustment(user: User, obstacle: Obstacle) -> HttpResponse:
    """An answer that starts an adjustment opens the pilot's adjustment form, its reason written."""
    pilot = obstacle.pilot
    if not pilot_services.FLOW.may(actor=user, obj=pilot, action="adjust"):
        return redirect(obstacle)
    reason = _("Adjustment to clear obstacle #%(id)s: %(answer)s") % {
        "id": obstacle.pk,
        "answer": obstacle.answer,
    }
    return redirect(f"{pilot.get_absolute_url()}?{urlencode({'open': 'adjust', 'reason': reason})}")


def _attach(request: HttpRequest, obstacle: Obstacle) -> HttpResponse:
    if not permissions.can_attach(request.user, obstacle):
        raise PermissionDenied
    form = forms.AttachForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.obstacle_attach(
                actor=request.user, obstacle=obstacle, file=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )  # fmt: skip
        except IncompleteInput as error:
            _errors_to(form, error)
        else:
            messages.success(request, _("The file is attached."))
            return redirect(obstacle)
    return _page(request, obstacle, {"attach": form}, status=400)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    attachment = get_attachment_for(request.user, pk, attachment_pk)
    return download(attachment.file, filename=attachment.original_name, kind=attachment.kind)


def obstacles_to_answer(user: User) -> WorkSection | None:
    """Obstacles waiting for this person's answer, as head of the answering unit."""
    units = RoleAssignment.objects.current().filter(user=user, role="head").values("unit")
    waiting = Obstacle.objects.filter(status=Obstacle.Status.OPEN, answerer_unit__in=units)
    # in one query, what permissions.is_answerer asks of each: never a pilot the head has a part in
    waiting = waiting.exclude(pilot__implementers=user).exclude(pilot__proposal__author=user)
    waiting = waiting.exclude(pilot__proposal__co_implementers=user)
    return WorkSection.first_of(
        waiting.for_list(), title=_("Obstacles to answer"), template="support/_work_obstacles.html", limit=20
    )


def obstacles_to_confirm(user: User) -> WorkSection | None:
    """Answered obstacles of pilots this person carries out, waiting for them to confirm."""
    answered = Obstacle.objects.filter(status=Obstacle.Status.ANSWERED, pilot__implementers=user).for_list()
    return WorkSection.first_of(
        answered, title=_("Answered obstacles to confirm"), template="support/_work_obstacles.html", limit=20
    )


work_sections = [obstacles_to_answer, obstacles_to_confirm]
