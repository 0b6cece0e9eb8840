"""Pages of the evidence: the dossier button's download and the verification page. Thin: gate →
service → response."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from evidence import forms, services
from evidence.api import pdf_download, verification
from evidence.permissions import get_proposal_for
from portal.errors import IncompleteInput


@login_required
@require_GET
def dossier_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for(request.user, pk)
    content, _issue = services.dossier_issue(reader=request.user, proposal=proposal)
    return pdf_download(content, f"ho-so-de-xuat-{proposal.pk}.pdf")


@login_required
@require_GET
def document_pdf(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    proposal = get_proposal_for(request.user, pk)
    content, entry = services.document_issue(reader=request.user, proposal=proposal, key=key)
    return pdf_download(content, f"{entry.reference.replace('/', '-')}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    """Kiểm tra hồ sơ: a fingerprint or an uploaded dossier against the record."""
    form = forms.VerifyForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = verification(request.user, form.cleaned_data)
        except IncompleteInput as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
    status = 400 if request.method == "POST" and result is None else 200
    return render(request, "evidence/verify.html", {"form": form, "result": result}, status=status)
