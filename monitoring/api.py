"""REST API for urging (shared/CONTRACT.md, Urging), on the same services as the pages."""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from monitoring import exports, items, permissions, services
from monitoring.models import PeriodicReview, ReportSnapshot, ReviewAttachment, Urging, UrgingItem
from monitoring.permissions import get_urging_for
from monitoring.sources import Sources, reachable
from monitoring.structure import CHOICES, TODAY, structure_of
from monitoring.summary import compliance, summary
from portal.api import AttachmentSerializerBase, UploadBody, text, validated
from portal.errors import NotAllowed
from portal.models import Unit
from portal.permissions import roles_of, visible_units
from portal.routers import reading_reports

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UrgingItemSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="object_id", read_only=True)
    cleared_at = serializers.SerializerMethodField()

    class Meta:
        model = UrgingItem
        fields = ["kind", "id", "title", "cleared_at"]

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_cleared_at(self, item: UrgingItem) -> str | None:
        at = items.cleared_at(item.kind, item.object_id, item.urging.sent_at)
        return serializers.DateTimeField().to_representation(at) if at else None


class UrgingSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    sent_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    answered_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    items = UrgingItemSerializer(many=True, read_only=True)
    by = serializers.DateField(source="answer_by", read_only=True)

    class Meta:
        model = Urging
        fields = ["id", "unit", "items", "note", "status", "sent_by", "sent_at", "answer", "by",
                  "answered_by", "answered_at"]  # fmt: skip
        read_only_fields = fields


class ItemRef(serializers.Serializer):
    kind = serializers.ChoiceField(choices=UrgingItem.Kind.values)
    id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class UrgingSendBody(serializers.Serializer):
    unit = serializers.CharField(max_length=32)
    items = ItemRef(many=True, allow_empty=False, max_length=services.MAX_ITEMS)
    note = text(required=False, allow_blank=True, default="")


class UrgingAnswerBody(serializers.Serializer):
    note = text()
    by = serializers.DateField()


class UrgingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Urgings the caller may see; staff covering a unit or a head above it send one; the unit's
    head answers."""

    serializer_class = UrgingSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        return Urging.objects.visible_to(self.request.user).for_list()

    def get_object(self) -> Urging:
        return get_urging_for(self.request.user, int(self.kwargs["pk"]))

    def _urging(self, urging: Urging, code=status.HTTP_200_OK) -> Response:
        return Response(UrgingSerializer(self.get_queryset().get(pk=urging.pk)).data, status=code)

    @extend_schema(request=UrgingSendBody, responses={201: UrgingSerializer})
    def create(self, request):
        code = request.data.get("unit") if hasattr(request.data, "get") else None
        unit = Unit.objects.filter(code=code).first() if isinstance(code, str) and len(code) <= 32 else None
        if unit is None:
            raise serializers.ValidationError({"unit": [_("No unit has this code.")]})
        services.check_send(actor=request.user, unit=unit)  # 403 before the items are read
        data = validated(request, UrgingSendBody)
        refs = [(ref["kind"], ref["id"]) for ref in data["items"]]
        urging = services.urging_send(actor=request.user, unit=unit, item_refs=refs, note=data["note"])
        return self._urging(urging, status.HTTP_201_CREATED)

    @extend_schema(request=UrgingAnswerBody, responses=UrgingSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        urging = self.get_object()
        services.FLOW.check(actor=request.user, obj=urging, action="answer")  # 403, 409 before the body
        urging = services.urging_answer(
            actor=request.user, urging=urging, **validated(request, UrgingAnswerBody)
        )
        return self._urging(urging)


def _period(params) -> tuple[datetime.date, datetime.date]:
    """`from` and `to` (ISO dates; this year so far when left out); 400 when unreadable."""
    today = timezone.localdate()
    found = {}
    for name, default in (("from", datetime.date(today.year, 1, 1)), ("to", today)):
        raw = params.get(name, "")
        try:
            found[name] = datetime.date.fromisoformat(raw) if raw else default
        except ValueError:
            raise serializers.ValidationError({name: [_("Give a date as YYYY-MM-DD.")]}) from None
        reachable(found[name], name)
    if found["to"] < found["from"]:
        raise serializers.ValidationError({"to": [_("The period cannot end before it starts.")]})
    return found["from"], found["to"]


def report_unit(request, code) -> Unit:
    """The unit asked for: 400 when unknown, 403 unless the caller reports on it."""
    unit = Unit.objects.filter(code=code).first() if isinstance(code, str) and 0 < len(code) <= 32 else None
    if unit is None:
        raise serializers.ValidationError({"unit": [_("No unit has this code.")]})
    if not permissions.may_report_on(request.user, unit):
        raise NotAllowed(_("Only Organisation Committee staff and heads report on this unit."))
    return unit


STRUCTURE = OpenApiParameter(
    "structure", str, enum=list(CHOICES),
    description="The tree of units counted by: today's (default) or the one at the period's end.",
)  # fmt: skip


def _sources(request, unit: Unit) -> Sources:
    """What the report of `unit` counts for the period and structure asked (400 when unreadable)."""
    start, end = _period(request.query_params)
    structure = structure_of(request.query_params.get("structure"))
    return Sources(request.user, unit, start, end, structure=structure)


class ReportSummaryView(APIView):
    """`GET /api/v1/reports/summary/?unit=&from=&to=` (CONTRACT, Reports)."""

    def perform_content_negotiation(self, request, force=False):
        # `?format=xlsx|pdf` names a download, not a DRF renderer.
        return super().perform_content_negotiation(request, force=force or _download(request) is not None)

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", str, required=True), OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE), OpenApiParameter("format", str, enum=["xlsx", "pdf"]),
            STRUCTURE,
        ],
        responses=OpenApiTypes.OBJECT,
    )  # fmt: skip
    @reading_reports()
    def get(self, request):
        _may_run_reports(request.user)
        unit = report_unit(request, request.query_params.get("unit"))
        sources = _sources(request, unit)
        start, end = sources.start, sources.end
        figures = summary(request.user, unit, start, end, sources)
        kind = _download(request)
        if kind is None:
            return Response(figures)
        deadlines = compliance(request.user, unit, start, end, sources)
        stem = f"bao-cao-{unit.code}-{start}-{end}"
        return report_file(figures, unit, request.user, kind, stem, deadlines, sources.structure)


class ReportComplianceView(APIView):
    """`GET /api/v1/reports/compliance/?unit=&from=&to=`: deadline compliance of the unit's subtree
    and of each child unit (decisions, results reports, evaluations), for the same callers."""

    @extend_schema(
        parameters=[OpenApiParameter("unit", str, required=True), OpenApiParameter("from", OpenApiTypes.DATE),
                    OpenApiParameter("to", OpenApiTypes.DATE), STRUCTURE],
        responses=OpenApiTypes.OBJECT,
    )  # fmt: skip
    @reading_reports()
    def get(self, request):
        _may_run_reports(request.user)
        unit = report_unit(request, request.query_params.get("unit"))
        sources = _sources(request, unit)
        return Response(compliance(request.user, unit, sources.start, sources.end, sources))


def _may_run_reports(user) -> None:
    if not user.is_superuser and not {"orgcom", "head"} & set(roles_of(user)):
        raise NotAllowed(_("Only Organisation Committee staff and heads run reports."))


def _download(request) -> str | None:
    wanted = request.query_params.get("format")
    return wanted if wanted in ("xlsx", "pdf") else None


def report_file(
    figures: dict, unit: Unit, reader, kind: str, stem: str, deadlines=None, structure: str = TODAY
) -> HttpResponse:
    """The figures (and the deadline compliance, when given) as an XLSX or PDF download."""
    if kind == "xlsx":
        content, content_type = exports.summary_xlsx(figures, unit.name, deadlines, structure), XLSX
    else:
        content = exports.summary_pdf(figures, unit, reader, deadlines, structure)
        content_type = "application/pdf"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{kind}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


class SnapshotSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ReportSnapshot
        fields = [
            "id", "unit", "period", "period_start", "period_end", "figures", "sha256", "created_by",
            "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class SnapshotBody(serializers.Serializer):
    unit = serializers.CharField(max_length=32)
    period = serializers.RegexField(r"^\d{4}(-H[12])?$", max_length=7)


class SnapshotViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Frozen periodic reports of the units the caller may report on; staff freeze one."""

    serializer_class = SnapshotSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        user = self.request.user
        units = [unit.pk for unit in visible_units(user) if permissions.may_report_on(user, unit)]
        queryset = ReportSnapshot.objects.filter(unit__in=units).select_related("unit", "created_by")
        if self.request.query_params.get("unit"):
            queryset = queryset.filter(unit__code=self.request.query_params["unit"][:32])
        return queryset

    @extend_schema(request=SnapshotBody, responses={201: SnapshotSerializer})
    def create(self, request):
        code = request.data.get("unit") if hasattr(request.data, "get") else None
        unit = report_unit(request, code)
        data = validated(request, SnapshotBody)
        snapshot = services.snapshot_freeze(actor=request.user, unit=unit, period=data["period"])
        return Response(SnapshotSerializer(snapshot).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="file/(?P<kind>xlsx|pdf)")
    def file(self, request, pk=None, kind=None):
        """The XLSX or PDF frozen with the snapshot."""
        snapshot = self.get_object()
        stored, content_type = (snapshot.xlsx, XLSX) if kind == "xlsx" else (snapshot.pdf, "application/pdf")
        with stored.open("rb") as handle:
            response = HttpResponse(handle.read(), content_type=content_type)
        name = f"bao-cao-{snapshot.unit.code}-{snapshot.period}.{kind}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class PeriodicReviewSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = PeriodicReview
        fields = ["id", "unit", "kind", "period_start", "period_end", "findings", "figures", "created_by",
                  "created_at"]  # fmt: skip
        read_only_fields = fields


class PeriodicReviewBody(serializers.Serializer):
    unit = serializers.CharField(max_length=32)
    kind = serializers.ChoiceField(choices=PeriodicReview.Kind.values)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    findings = text()


class ReviewFileSerializer(AttachmentSerializerBase):
    class Meta(AttachmentSerializerBase.Meta):
        model = ReviewAttachment


class PeriodicReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Sơ kết / tổng kết of the units the caller sees; staff and heads over a unit record one."""

    serializer_class = PeriodicReviewSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        return PeriodicReview.objects.filter(unit__in=visible_units(self.request.user)).select_related(
            "unit", "created_by"
        )

    @extend_schema(request=PeriodicReviewBody, responses={201: PeriodicReviewSerializer})
    def create(self, request):
        code = request.data.get("unit") if hasattr(request.data, "get") else None
        unit = report_unit(request, code)  # 400, 403 before the rest of the body
        data = validated(request, PeriodicReviewBody)
        data.pop("unit")
        review = services.review_record(actor=request.user, unit=unit, **data)
        return Response(PeriodicReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=ReviewFileSerializer(many=True))
    @extend_schema(methods=["POST"], request=UploadBody, responses={201: ReviewFileSerializer})
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[parsers.MultiPartParser, parsers.FormParser],
        pagination_class=None,
    )
    def attachments(self, request, pk=None):
        """The review's documents; `POST` multipart `file` (those who report on its unit)."""
        review = self.get_object()
        if request.method == "GET":
            return Response(ReviewFileSerializer(review.attachments.all(), many=True).data)
        if not permissions.may_report_on(request.user, review.unit):
            raise NotAllowed(_("Only those who report on the unit attach files."))
        attachment = services.review_attach(
            actor=request.user, review=review, **validated(request, UploadBody)
        )
        return Response(ReviewFileSerializer(attachment).data, status=status.HTTP_201_CREATED)
