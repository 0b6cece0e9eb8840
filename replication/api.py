"""REST API for the model library (shared/CONTRACT.md, Replication), on the same services as the
pages."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from pilots.permissions import get_pilot_for
from portal.api import AttachmentSerializerBase, UploadBody, text, validated
from portal.text import reject_control_characters
from portal.workflow import ensure
from proposals.models import Proposal
from replication import permissions, services
from replication.models import InnovationModel, Institutionalisation, ModelAttachment
from replication.permissions import get_institutionalisation_for, get_model_for


def indicator_rows(pilot) -> list[dict]:
    """A pilot's current indicators: baseline, target and the latest actual."""
    return [
        {"name": i.name, "unit": i.unit, "baseline": float(i.baseline), "target": float(i.target),
         "actual": float(i.actual) if i.actual is not None else None}
        for i in pilot.indicators.all()  # prefetched by the list
        if not i.retired
    ]  # fmt: skip


def indicators_of(model: InnovationModel) -> list[dict]:
    return indicator_rows(model.pilot)


def adoptions_of(model: InnovationModel) -> list[Proposal]:
    return list(
        Proposal.objects.filter(adopted_from=model.pk).select_related("unit", "pilot").order_by("created_at")
    )


class InstitutionalisationSerializer(serializers.ModelSerializer):
    stage = serializers.CharField(source="status", read_only=True)
    proposed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Institutionalisation
        fields = ["id", "model", "document_kind", "drafting_agency", "note", "stage", "proposed_by",
                  "proposed_at", "document_number", "issued_on"]  # fmt: skip
        read_only_fields = fields


class ModelSerializer(serializers.ModelSerializer):
    proposal = serializers.IntegerField(source="pilot.proposal_id", read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    published_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    indicators = serializers.SerializerMethodField()
    adoptions = serializers.SerializerMethodField()
    institutionalisations = InstitutionalisationSerializer(many=True, read_only=True)

    class Meta:
        model = InnovationModel
        fields = [
            "id", "pilot", "proposal", "unit", "title", "summary", "conditions", "field", "published_on",
            "published_by", "indicators", "adoptions", "institutionalisations",
        ]  # fmt: skip
        read_only_fields = fields

    def get_indicators(self, model: InnovationModel) -> list[dict]:
        return indicators_of(model)

    def get_adoptions(self, model: InnovationModel) -> list[dict]:
        return [
            {"proposal": p.pk, "unit": p.unit.code, "status": p.status,
             "outcome": (getattr(p, "pilot", None) and p.pilot.outcome) or ""}
            for p in adoptions_of(model)
        ]  # fmt: skip


class ModelPublishBody(serializers.Serializer):
    pilot = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    summary = text()
    conditions = text()
    field = serializers.ChoiceField(choices=InnovationModel.Field.values, required=False, default="other")


class InstitutionaliseBody(serializers.Serializer):
    document_kind = serializers.CharField(max_length=120, validators=[reject_control_characters])
    drafting_agency = serializers.CharField(max_length=255, validators=[reject_control_characters])
    note = text(required=False, allow_blank=True, default="")


class AdvanceBody(serializers.Serializer):
    stage = serializers.ChoiceField(choices=list(services.STAGE_ACTIONS))
    document_number = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", validators=[reject_control_characters]
    )
    issued_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = text(required=False, allow_blank=True, default="")


class ModelFileSerializer(AttachmentSerializerBase):
    class Meta(AttachmentSerializerBase.Meta):
        model = ModelAttachment


class ModelViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The model library: every signed-in user browses and searches it."""

    serializer_class = ModelSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        queryset = InnovationModel.objects.for_list().prefetch_related(
            "institutionalisations", "pilot__indicators"
        )
        params = self.request.query_params
        if params.get("q"):
            queryset = queryset.search(params["q"][:200])
        if params.get("field") in InnovationModel.Field.values:
            queryset = queryset.filter(field=params["field"])
        if params.get("unit"):
            queryset = queryset.filter(unit__code=params["unit"][:32])
        year = params.get("year", "")
        if year:
            queryset = (
                queryset.filter(published_on__year=int(year))
                if year.isdigit() and len(year) == 4
                else queryset.none()
            )
        return queryset

    def get_object(self) -> InnovationModel:
        return get_model_for(self.request.user, int(self.kwargs["pk"]))

    @extend_schema(parameters=[
        OpenApiParameter("q", str, description="words of the title or summary, with or without diacritics"),
        OpenApiParameter("field", str, enum=InnovationModel.Field.values), OpenApiParameter("unit", str),
        OpenApiParameter("year", int),
    ])  # fmt: skip
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ModelPublishBody, responses={201: ModelSerializer})
    def create(self, request):
        raw = request.data.get("pilot") if hasattr(request.data, "get") else None
        if isinstance(raw, int) and not isinstance(raw, bool) and 0 < raw < 2**63:
            services.check_publish(
                actor=request.user, pilot=get_pilot_for(request.user, raw)
            )  # 403, 409 first
        data = validated(request, ModelPublishBody)
        pilot = get_pilot_for(request.user, data.pop("pilot"))
        model = services.model_publish(actor=request.user, pilot=pilot, **data)
        return Response(ModelSerializer(model).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={201: dict})
    @action(detail=True, methods=["post"])
    def adopt(self, request, pk=None):
        proposal = services.model_adopt(actor=request.user, model=self.get_object())
        return Response({"proposal": proposal.pk}, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=ModelFileSerializer(many=True))
    @extend_schema(methods=["POST"], request=UploadBody, responses={201: ModelFileSerializer})
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[parsers.MultiPartParser, parsers.FormParser],
        pagination_class=None,
    )
    def attachments(self, request, pk=None):
        """The model's documents; `POST` multipart `file` (whoever may publish it)."""
        model = self.get_object()
        if request.method == "GET":
            return Response(ModelFileSerializer(model.attachments.all(), many=True).data)
        ensure(
            permissions.can_publish(request.user, model.pilot),
            _("Only those who publish the model attach its documents."),
        )
        data = validated(request, UploadBody)
        attachment = services.model_attach(actor=request.user, model=model, **data)
        return Response(ModelFileSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=InstitutionaliseBody, responses={201: InstitutionalisationSerializer})
    @action(detail=True, methods=["post"])
    def institutionalise(self, request, pk=None):
        model = self.get_object()
        services.check_institutionalise(actor=request.user, model=model)  # 403 before the body
        item = services.institutionalise(
            actor=request.user, model=model, **validated(request, InstitutionaliseBody)
        )
        return Response(InstitutionalisationSerializer(item).data, status=status.HTTP_201_CREATED)


class InstitutionalisationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = InstitutionalisationSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        return Institutionalisation.objects.for_list()

    def get_object(self) -> Institutionalisation:
        return get_institutionalisation_for(self.request.user, int(self.kwargs["pk"]))

    @extend_schema(request=AdvanceBody, responses=InstitutionalisationSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        item = self.get_object()
        stage = request.data.get("stage") if hasattr(request.data, "get") else None
        if isinstance(stage, str) and stage in services.STAGE_ACTIONS:
            services.check_advance(actor=request.user, item=item, stage=stage)  # 403, 409 before the body
        item = services.institutionalisation_advance(
            actor=request.user, item=item, **validated(request, AdvanceBody)
        )
        return Response(InstitutionalisationSerializer(item).data)
