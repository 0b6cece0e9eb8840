"""Pages for recognition: recording a reward for a completed pilot, the cadre's innovation record
and its printable PDF. Thin: gate → form → service → redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pilots.permissions import get_pilot_for
from portal.errors import DomainError, IncompleteInput, NotAllowed
from portal.models import User
from portal.pdf import pdf_response
from recognition import forms, services
from recognition.permissions import get_person_for


@login_required
@require_http_methods(["GET", "POST"])
def reward_new(request: HttpRequest, pilot_pk: int) -> HttpResponse:
    pilot = get_pilot_for(request.user, pilot_pk)
    try:
        services.check_reward(actor=request.user, pilot=pilot)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from None
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(pilot)
    form = forms.RewardForm(request.POST or None, request.FILES or None, pilot=pilot)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["cadre"] = User.objects.get(username=data["cadre"])
        try:
            reward = services.reward_record(actor=request.user, pilot=pilot, **data)
        except IncompleteInput as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The reward is recorded on the cadre's innovation record."))
            return redirect("person-record", reward.cadre.username)
    status = 400 if request.method == "POST" else 200
    return render(request, "recognition/reward_new.html", {"form": form, "pilot": pilot}, status=status)


@login_required
@require_GET
def person_record(request: HttpRequest, username: str) -> HttpResponse:
    person = get_person_for(request.user, username)
    return render(request, "recognition/record.html", services.record_of(person))


@login_required
@require_GET
def person_record_pdf(request: HttpRequest, username: str) -> HttpResponse:
    """The innovation record as an administrative document, for appointment and rating decisions."""
    person = get_person_for(request.user, username)
    context = {**services.record_of(person), "today": timezone.localdate(), "reader": request.user}
    return pdf_response(
        "recognition/record_pdf.html", context, filename=f"ho-so-doi-moi-{person.username}.pdf"
    )
