"""Pages for urging: a unit's overdue items with the urging form, the urgings a person may see,
an urging with the head's answer form, and the "Việc của tôi" section. Thin: gate → form →
service → redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from monitoring import forms, items, permissions, services
from monitoring.models import Urging
from monitoring.permissions import get_urging_for
from portal.errors import DomainError, IncompleteInput, NotAllowed
from portal.filetypes import download
from portal.models import RoleAssignment, User
from portal.pagination import Paginator
from portal.permissions import get_unit_for, load_visible, visible_units
from portal.work import WorkSection


def _choices(overdue: dict[str, list]) -> list[tuple[str, str]]:
    return [
        (f"{kind}:{obj.pk}", f"{kind} #{obj.pk} · {items.title_of(kind, obj)}")
        for kind, objects in overdue.items()
        for obj in objects
    ]


@login_required
@require_http_methods(["GET", "POST"])
def unit_overdue(request: HttpRequest, code: str) -> HttpResponse:
    """What the unit has let run late, and — for whoever may urge it — the urging form."""
    unit = get_unit_for(request.user, code)
    overdue = items.overdue_in(request.user, unit)
    may_urge = permissions.may_urge(request.user, unit)
    if request.method == "POST" and not may_urge:
        raise PermissionDenied
    form = forms.UrgeForm(request.POST or None, choices=_choices(overdue)) if may_urge else None
    if request.method == "POST" and form.is_valid():
        try:
            urging = services.urging_send(
                actor=request.user, unit=unit, item_refs=form.item_refs(), note=form.cleaned_data["note"]
            )
        except IncompleteInput as error:
            for field, message in error.errors.items():
                form.add_error("item" if field == "items" else None, message)
        else:
            messages.success(request, _("The urging is sent to the head of %(unit)s.") % {"unit": unit.name})
            return redirect(urging)
    context = {"unit": unit, "overdue": overdue, "form": form, "kinds": dict(items.KINDS)}
    return render(
        request, "monitoring/overdue.html", context, status=400 if request.method == "POST" else 200
    )


@login_required
@require_GET
def urging_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(Urging.objects.visible_to(request.user).for_list(), 25).get_page(request.GET.get("page"))
    return render(request, "monitoring/list.html", {"page": page})


def _page(request, urging, form=None, status=200) -> HttpResponse:
    may_answer = services.FLOW.may(actor=request.user, obj=urging, action="answer")
    context = {
        "urging": urging,
        "rows": [
            (item, items.cleared_at(item.kind, item.object_id, urging.sent_at)) for item in urging.items.all()
        ],
        "form": form or (forms.AnswerForm() if may_answer else None),
        "timeline": urging.transitions.select_related("actor"),
    }
    return render(request, "monitoring/detail.html", context, status=status)


@login_required
@require_GET
def urging_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, get_urging_for(request.user, pk))


@login_required
@require_POST
def urging_answer(request: HttpRequest, pk: int) -> HttpResponse:
    urging = get_urging_for(request.user, pk)
    try:
        services.FLOW.check(actor=request.user, obj=urging, action="answer")
    except NotAllowed as error:
        raise PermissionDenied(error.message) from None
    except DomainError as error:
        messages.error(request, error.message)
        return _page(request, urging, status=409)
    form = forms.AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.urging_answer(actor=request.user, urging=urging, **form.cleaned_data)
        except IncompleteInput as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Your answer is recorded."))
            return redirect(urging)
    return _page(request, urging, form, status=400)


def urgings_to_answer(user: User) -> WorkSection | None:
    headed = RoleAssignment.objects.current().filter(user=user, role="head").values("unit")
    waiting = Urging.objects.filter(status=Urging.Status.SENT, unit__in=headed).for_list()
    return WorkSection.first_of(
        waiting, title=_("Urgings to answer"), template="monitoring/_work_urgings.html", limit=20
    )


work_sections = [urgings_to_answer]


@login_required
@require_http_methods(["GET", "POST"])
def review_list(request: HttpRequest) -> HttpResponse:
    """Sơ kết / tổng kết of the units the person sees, and the form for those who report on one."""
    from monitoring.models import PeriodicReview

    scope = visible_units(request.user).order_by("path")
    units = [unit for unit in scope if permissions.may_report_on(request.user, unit)]
    if request.method == "POST" and not units:
        raise PermissionDenied
    form = forms.ReviewForm(request.POST or None, units=units) if units else None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = next(u for u in units if u.code == data.pop("unit"))
        try:
            services.review_record(actor=request.user, unit=unit, **data)
        except IncompleteInput as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("The review is recorded with the figures of its period."))
            return redirect("review-list")
    reviews = PeriodicReview.objects.filter(unit__in=scope).select_related("unit", "created_by")
    reviews = reviews.prefetch_related("attachments")[:50]
    status = 400 if request.method == "POST" else 200
    context = {"reviews": reviews, "form": form, "attach_form": forms.AttachForm() if units else None,
               "reporting": {unit.pk for unit in units}}  # fmt: skip
    return render(request, "monitoring/reviews.html", context, status=status)


@login_required
@require_POST
def review_attach(request: HttpRequest, pk: int) -> HttpResponse:
    """A document of a review (the signed report, annexes)."""
    review = _review_for(request.user, pk)
    if not permissions.may_report_on(request.user, review.unit):
        raise PermissionDenied
    form = forms.AttachForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.review_attach(actor=request.user, review=review, **form.cleaned_data)
        except IncompleteInput as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("The file is attached."))
            return redirect("review-list")
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("review-list")


@login_required
@require_GET
def review_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    review = _review_for(request.user, pk)
    attachment = load_visible(request.user, review.attachments.all(), pk=attachment_pk)
    return download(attachment.file, filename=attachment.original_name, kind=attachment.kind)


def _review_for(user: User, pk: int):
    from monitoring.models import PeriodicReview

    return load_visible(
        user, PeriodicReview.objects.filter(unit__in=visible_units(user)).select_related("unit"), pk=pk
    )
