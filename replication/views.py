"""Pages of the model library (Thư viện mô hình): browse and search, a model with its results
beside every adoption's, publishing a completed pilot, adopting, institutionalisation; and the
public transparency page. Thin: gate → form → service → redirect."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pilots.permissions import get_pilot_for
from portal.errors import DomainError, IncompleteInput, NotAllowed
from portal.filetypes import download
from portal.pagination import Paginator
from portal.permissions import load_visible
from replication import api, forms, permissions, services
from replication.models import InnovationModel, Institutionalisation
from replication.permissions import get_institutionalisation_for, get_model_for


def _errors_to(form, error: IncompleteInput) -> None:
    for field, message in error.errors.items():
        form.add_error(field if field in form.fields else None, message)


@login_required
@require_GET
def model_list(request: HttpRequest) -> HttpResponse:
    form = forms.SearchForm(request.GET or None)
    models = InnovationModel.objects.for_list()
    if form.is_valid():
        data = form.cleaned_data
        models = models.search(data["q"]) if data["q"] else models
        models = models.filter(field=data["field"]) if data["field"] else models
        models = models.filter(unit__code=data["unit"]) if data["unit"] else models
        models = models.filter(published_on__year=data["year"]) if data["year"] else models
    page = Paginator(models, 20).get_page(request.GET.get("page"))
    return render(request, "replication/list.html", {"page": page, "form": form})


def comparison(model: InnovationModel) -> dict:
    """The original's indicators beside each adoption's (by indicator name), for the table and
    the chart: actual against target."""
    rows = [{"unit": model.unit.name, "original": True, "status": model.pilot.get_status_display(),
             "indicators": {i["name"]: i for i in api.indicators_of(model)}}]  # fmt: skip
    for proposal in api.adoptions_of(model):
        pilot = getattr(proposal, "pilot", None)
        indicators = {i["name"]: i for i in api.indicator_rows(pilot)} if pilot else {}
        status = (pilot or proposal).get_status_display()
        rows.append(
            {"unit": proposal.unit.name, "original": False, "proposal": proposal, "status": status,
             "indicators": indicators}
        )  # fmt: skip
    names = list(rows[0]["indicators"])
    chart = {
        "labels": [row["unit"] for row in rows],
        "indicators": [
            {"name": name, "target": rows[0]["indicators"][name]["target"],
             "actuals": [row["indicators"].get(name, {}).get("actual") for row in rows]}
            for name in names
        ],
        "actual_label": _("actual"), "target_label": _("target"),
    }  # fmt: skip
    return {"rows": rows, "names": names, "chart": chart}


def _detail(request, model, bound=None, status=200) -> HttpResponse:
    user, bound = request.user, bound or {}
    items = list(model.institutionalisations.all())
    advance = {
        item.pk: bound.get(item.pk) or forms.AdvanceForm()
        for item in items
        if item.status in ("proposed", "drafting") and permissions.may_advance(user, item)
    }
    context = {
        "model": model, **comparison(model), "institutionalisations": items, "advance_forms": advance,
        "may_adopt": permissions.can_adopt(user) and user.unit_id != model.unit_id,
        "attachments": model.attachments.all(),
        "attach_form": bound.get("attach")
        or (forms.AttachForm() if permissions.can_publish(user, model.pilot) else None),
        "institutionalise_form": bound.get("new") or (
            forms.InstitutionaliseForm() if permissions.can_institutionalise(user, model.unit) else None
        ),
    }  # fmt: skip
    return render(request, "replication/detail.html", context, status=status)


@login_required
@require_GET
def model_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_model_for(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def model_publish(request: HttpRequest, pilot_pk: int) -> HttpResponse:
    pilot = get_pilot_for(request.user, pilot_pk)
    try:
        services.check_publish(actor=request.user, pilot=pilot)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from None
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(pilot)
    form = forms.PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            model = services.model_publish(actor=request.user, pilot=pilot, **form.cleaned_data)
        except IncompleteInput as error:
            _errors_to(form, error)
        else:
            messages.success(request, _("The model is published in the library."))
            return redirect(model)
    status = 400 if request.method == "POST" else 200
    return render(request, "replication/publish.html", {"form": form, "pilot": pilot}, status=status)


@login_required
@require_POST
def model_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    model = get_model_for(request.user, pk)
    try:
        proposal = services.model_adopt(actor=request.user, model=model)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from None
    except DomainError as error:
        messages.error(request, error.message)
        return _detail(request, model, status=409)
    messages.success(
        request, _("A draft proposal of your unit is made from the model; complete and submit it.")
    )
    return redirect("proposal-edit", proposal.pk)


@login_required
@require_POST
def model_institutionalise(request: HttpRequest, pk: int) -> HttpResponse:
    model = get_model_for(request.user, pk)
    if not permissions.can_institutionalise(request.user, model.unit):
        raise PermissionDenied
    form = forms.InstitutionaliseForm(request.POST)
    if form.is_valid():
        try:
            services.institutionalise(actor=request.user, model=model, **form.cleaned_data)
        except IncompleteInput as error:
            _errors_to(form, error)
        else:
            messages.success(request, _("The institutionalisation is proposed."))
            return redirect(model)
    return _detail(request, model, {"new": form}, status=400)


@login_required
@require_POST
def institutionalisation_advance(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_institutionalisation_for(request.user, pk)
    form = forms.AdvanceForm(request.POST)
    stage = request.POST.get("stage", "")
    try:
        if stage in services.STAGE_ACTIONS:
            services.check_advance(actor=request.user, item=item, stage=stage)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from None
    except DomainError as error:
        messages.error(request, error.message)
        return _detail(request, item.model, status=409)
    if form.is_valid():
        try:
            services.institutionalisation_advance(actor=request.user, item=item, **form.cleaned_data)
        except IncompleteInput as error:
            _errors_to(form, error)
        else:
            messages.success(request, _("The stage is recorded."))
            return redirect(item.model)
    return _detail(request, item.model, {item.pk: form}, status=400)


@require_GET
def public_page(request: HttpRequest) -> HttpResponse:
    """Art. 4 (công khai, minh bạch): published models and issued documents, for anyone; no
    person's name, no case, no draft."""
    if not settings.PORTAL_PUBLIC_PAGE:
        raise Http404
    models = InnovationModel.objects.select_related("unit").prefetch_related("pilot__indicators")
    issued = Institutionalisation.objects.filter(status="issued").select_related("model__unit")
    return render(request, "replication/public.html", {"models": models, "issued": issued})


@login_required
@require_POST
def model_attach(request: HttpRequest, pk: int) -> HttpResponse:
    model = get_model_for(request.user, pk)
    if not permissions.can_publish(request.user, model.pilot):
        raise PermissionDenied
    form = forms.AttachForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.model_attach(actor=request.user, model=model, **form.cleaned_data)
        except IncompleteInput as error:
            _errors_to(form, error)
        else:
            messages.success(request, _("The file is attached."))
            return redirect(model)
    return _detail(request, model, {"attach": form}, status=400)


@login_required
@require_GET
def model_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    model = get_model_for(request.user, pk)
    attachment = load_visible(request.user, model.attachments.all(), pk=attachment_pk)
    return download(attachment.file, filename=attachment.original_name, kind=attachment.kind)
