"""Pages for reorganisations (administrators): the list with the plan form, a reorganisation with
what it would move (or moved), and its actions. Thin: gate → form → service → redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from organisation import forms, imports, permissions, services, sharing
from organisation.models import Reorganisation
from organisation.plan import PlanError, from_stored
from portal.errors import DomainError, NotAllowed

SHARED = ("person", "unit", "record")  # the fields of the page's table of a split
ACTIONS = {"apply": services.reorganisation_apply, "cancel": services.reorganisation_cancel}
DONE = {
    "apply": gettext_lazy("The reorganisation is applied."),
    "cancel": gettext_lazy("The reorganisation is cancelled."),
}

EXAMPLE = """reference: Nghị quyết 1656/NQ-UBTVQH15
effective_on: 2025-07-01
steps:
  - merge: [XA_A, XA_B]
    into: XA_MOI
    name: Xã Mới
    kind: commune
  - split: XA_C
    into:
      - {code: XA_C1, name: Xã C1}
      - {code: XA_C2, name: Xã C2}
    people: {cadre_x: XA_C2}
  - move: PHONG_X
    to: SNV
  - rename: SNV
    name: Sở Nội vụ"""


def _gate(request: HttpRequest) -> None:
    if not permissions.can_reorganise(request.user):
        raise PermissionDenied(_("Only an administrator changes the organisation."))


@login_required
@require_http_methods(["GET", "POST"])
def reorganisation_list(request: HttpRequest) -> HttpResponse:
    """The reorganisations loaded so far and the form to load a plan (checked whole)."""
    _gate(request)
    form = forms.PlanForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            reorganisation, new = services.reorganisation_load(actor=request.user, plan=form.plan)
        except PlanError as error:
            for problem in error.problems:
                form.add_error(None, problem)
        else:
            if not new:
                messages.info(request, _("This plan was loaded before; here it is."))
            return redirect(reorganisation)
    context = {"form": form, "reorganisations": Reorganisation.objects.select_related("created_by")[:200],
               "example": EXAMPLE}  # fmt: skip
    return render(request, "organisation/list.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def people_import(request: HttpRequest) -> HttpResponse:
    """Units and people from an HR export: checked first (every problem by line, nothing
    changed), imported only when the button says so and nothing is wrong."""
    _gate(request)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    checked, applied, status = None, False, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            dry_run = request.POST.get("apply") != "1"
            try:
                checked = services.people_import(
                    actor=request.user, tables=imports.read(form.cleaned_data["files"]), dry_run=dry_run
                )
            except imports.UnreadableFile as error:
                form.add_error("files", str(error))
            else:
                applied = not dry_run and not checked.problems
                status = 400 if checked.problems else 200
                if applied:
                    messages.success(request, _("The units and people are imported."))
    context = {"form": form, "checked": checked, "applied": applied, "columns": imports.COLUMNS}
    return render(request, "organisation/import.html", context, status=status)


def _page(request: HttpRequest, reorganisation: Reorganisation, status: int = 200) -> HttpResponse:
    preview, problems, splits = None, [], []
    if reorganisation.status == Reorganisation.Status.PLANNED:
        plan = from_stored(reorganisation.plan)
        try:
            preview = services.reorganisation_preview(actor=request.user, plan=plan)
        except PlanError as error:
            problems = error.problems
        else:
            splits = sharing.splits(plan)
    outcome = preview.as_json() if preview else reorganisation.outcome
    context = {
        "reorganisation": reorganisation,
        "outcome": outcome,
        "moved": services.moved_counts(outcome),
        "problems": problems,
        "splits": splits,
        "is_preview": preview is not None,
        "may_apply": services.FLOW.may(actor=request.user, obj=reorganisation, action="apply")
        and not problems,
        "may_cancel": services.FLOW.may(actor=request.user, obj=reorganisation, action="cancel"),
        "timeline": reorganisation.transitions.select_related("actor"),
    }
    return render(request, "organisation/detail.html", context, status=status)


@login_required
def reorganisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _gate(request)
    return _page(request, get_object_or_404(Reorganisation, pk=pk))


@login_required
@require_POST
def reorganisation_share(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    """A planned split shared out by hand: each select of the page's table names the part its
    person, unit or record goes to."""
    _gate(request)
    reorganisation = get_object_or_404(Reorganisation, pk=pk)
    choices = {key: value for key, value in request.POST.items() if key.split(":")[0] in SHARED}
    try:
        services.reorganisation_share(
            actor=request.user, reorganisation=reorganisation, step=step, choices=choices
        )
    except PlanError as error:
        for problem in error.problems:
            messages.error(request, problem)
        return _page(request, reorganisation, status=400)
    except DomainError as error:
        messages.error(request, error.message)
        return _page(request, reorganisation, status=409)
    messages.success(request, _("The split is shared out as chosen; the preview shows it."))
    return redirect(reorganisation)


@login_required
@require_POST
def reorganisation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _gate(request)
    if action not in ACTIONS:
        raise Http404
    reorganisation = get_object_or_404(Reorganisation, pk=pk)
    try:
        ACTIONS[action](actor=request.user, reorganisation=reorganisation)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from None
    except PlanError as error:
        for problem in error.problems:
            messages.error(request, problem)
        return _page(request, reorganisation, status=409)
    except DomainError as error:
        messages.error(request, error.message)
        return _page(request, reorganisation, status=409)
    messages.success(request, DONE[action])
    return redirect(reorganisation)
