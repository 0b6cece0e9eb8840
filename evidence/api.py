"""REST API of the evidence (CONTRACT, Evidence): the dossier of a proposal as a PDF, and the
check of a fingerprint or an uploaded dossier against the record."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import parsers, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from evidence import services
from evidence.permissions import get_proposal_for
from portal.api import validated
from portal.filetypes import MAX_UPLOAD_BYTES


def pdf_download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


class DossierView(APIView):
    """`GET /api/v1/proposals/{id}/dossier/`: anyone who may see the proposal (others 404)."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        proposal = get_proposal_for(request.user, int(pk))
        content, _issue = services.dossier_issue(reader=request.user, proposal=proposal)
        return pdf_download(content, f"ho-so-de-xuat-{proposal.pk}.pdf")


class VerifyBody(serializers.Serializer):
    fingerprint = serializers.CharField(required=False, max_length=200, allow_blank=True)
    file = serializers.FileField(required=False, max_length=255)

    def validate(self, data):
        if not data.get("fingerprint") and not data.get("file"):
            raise serializers.ValidationError({"fingerprint": [_("Give a fingerprint or upload a dossier.")]})
        if data.get("file") and data["file"].size > MAX_UPLOAD_BYTES:
            raise serializers.ValidationError({"file": [_("The file is larger than 20 MB.")]})
        return data


def verification(reader, data: dict) -> dict:
    """The check of a fingerprint, or of the fingerprint an uploaded dossier stands for."""
    issued = None
    fingerprint = data.get("fingerprint") or ""
    if data.get("file"):
        fingerprint, issued = services.fingerprint_of_file(data["file"].read())
        if fingerprint is None:
            return {"status": "unknown", "fingerprint": None, "issued_file": False}
    return services.verify(reader=reader, fingerprint=fingerprint) | {"issued_file": issued}


class VerifyView(APIView):
    """`POST /api/v1/dossiers/verify/` `{"fingerprint"}` or a multipart `file`: whether the record
    still matches — `unchanged`, `changed` (with the later steps), `tampered` or `unknown`."""

    parser_classes = [parsers.JSONParser, parsers.MultiPartParser]

    @extend_schema(request=VerifyBody, responses=OpenApiTypes.OBJECT)
    def post(self, request):
        found = verification(request.user, validated(request, VerifyBody))
        proposal = found.pop("proposal", None)
        return Response(found | {"proposal": proposal.pk if proposal else None})


class DocumentEntry(serializers.Serializer):
    key = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    date = serializers.DateField()
    number = serializers.CharField(allow_null=True, help_text="the register number, once issued")
    url = serializers.CharField()


class DocumentsView(APIView):
    """`GET /api/v1/proposals/{id}/documents/`: the official documents the record allows."""

    @extend_schema(operation_id="proposals_documents_list", responses=DocumentEntry(many=True))
    def get(self, request, pk: int):
        proposal = get_proposal_for(request.user, int(pk))
        return Response([
            {"key": item.key, "kind": item.kind, "title": item.title, "date": item.on,
             "number": entry.reference if entry else None,
             "url": f"/api/v1/proposals/{proposal.pk}/documents/{item.key}/"}
            for item, entry in services.documents_of(reader=request.user, proposal=proposal)
        ])  # fmt: skip


class DocumentView(APIView):
    """`GET /api/v1/proposals/{id}/documents/{key}/`: one official document as a PDF (Decree 30)."""

    @extend_schema(
        operation_id="proposals_document_retrieve", responses={(200, "application/pdf"): OpenApiTypes.BINARY}
    )
    def get(self, request, pk: int, key: str):
        proposal = get_proposal_for(request.user, int(pk))
        content, entry = services.document_issue(reader=request.user, proposal=proposal, key=key)
        return pdf_download(content, f"{entry.reference.replace('/', '-')}.pdf")
