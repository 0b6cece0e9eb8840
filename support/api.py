"""REST API for obstacles (shared/CONTRACT.md, Obstacles), on the same services as the pages."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from pilots.permissions import get_pilot_for
from portal.api import AttachmentSerializerBase, TransitionSerializerBase, text, validated
from support import services
from support.models import Obstacle, ObstacleAttachment, ObstacleTransition
from support.permissions import get_obstacle_for


class ObstacleFileSerializer(AttachmentSerializerBase):
    class Meta(AttachmentSerializerBase.Meta):
        model = ObstacleAttachment


class ObstacleSerializer(serializers.ModelSerializer):
    raised_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    answered_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    answerer_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    note = serializers.CharField(source="answer", read_only=True)
    attachments = ObstacleFileSerializer(many=True, read_only=True)

    class Meta:
        model = Obstacle
        fields = [
            "id", "pilot", "report", "kind", "description", "request", "status", "raised_by", "raised_at",
            "answerer_unit", "answer_due", "escalations", "decision", "note", "answered_by", "answered_at",
            "answered_on_time", "cleared_at", "attachments",
        ]  # fmt: skip
        read_only_fields = fields
        extra_kwargs = {"decision": {"allow_blank": True}}  # "" until answered


class ObstacleRaiseBody(serializers.Serializer):
    """JSON, or multipart with an optional `file` (PDF, DOCX, XLSX, ODT, JPEG or PNG, ≤ 20 MB)."""

    kind = serializers.ChoiceField(choices=Obstacle.Kind.values)
    description = text()
    request = text()
    report = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    file = serializers.FileField(required=False, write_only=True)


class AnswerBody(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Obstacle.Decision.values)
    note = text()


class EscalateBody(serializers.Serializer):
    note = text()


class ConfirmBody(serializers.Serializer):
    cleared = serializers.BooleanField()
    note = text(required=False, allow_blank=True, default="")


class ObstacleTransitionSerializer(TransitionSerializerBase):
    class Meta(TransitionSerializerBase.Meta):
        model = ObstacleTransition


class PilotObstaclesView(generics.ListAPIView):
    """`GET` the obstacles of a pilot (paginated); `POST` (an implementer) raises one."""

    serializer_class = ObstacleSerializer

    def get_queryset(self):
        pilot = get_pilot_for(self.request.user, int(self.kwargs["pk"]))
        return Obstacle.objects.filter(pilot=pilot).for_list().prefetch_related("attachments")

    @extend_schema(request=ObstacleRaiseBody, responses={201: ObstacleSerializer})
    def post(self, request, pk: int):
        pilot = get_pilot_for(request.user, int(pk))
        services.check_raise(actor=request.user, pilot=pilot)  # 403, 409 before the body
        data = validated(request, ObstacleRaiseBody)
        report_id = data.pop("report", None)
        report = get_object_or_404(pilot.reports, pk=report_id) if report_id else None
        obstacle = services.obstacle_raise(actor=request.user, pilot=pilot, report=report, **data)
        return Response(ObstacleSerializer(obstacle).data, status=status.HTTP_201_CREATED)


class ObstacleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Obstacles the caller may see (`?status=`, `?pilot=`); the answering head answers or
    escalates, an implementer confirms."""

    serializer_class = ObstacleSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        queryset = Obstacle.objects.visible_to(self.request.user).for_list().prefetch_related("attachments")
        params = self.request.query_params
        if params.get("status") in Obstacle.Status.values:
            queryset = queryset.filter(status=params["status"])
        pilot = params.get("pilot", "")
        if pilot:
            queryset = (
                queryset.filter(pilot_id=int(pilot))
                if pilot.isdigit() and len(pilot) <= 18
                else queryset.none()
            )
        return queryset

    def get_object(self) -> Obstacle:
        return get_obstacle_for(self.request.user, int(self.kwargs["pk"]))

    def _act(self, request, name: str, body, service) -> Response:
        obstacle = self.get_object()
        services.FLOW.check(actor=request.user, obj=obstacle, action=name)  # 403, 409 before the body
        service(actor=request.user, obstacle=obstacle, **validated(request, body))
        return Response(ObstacleSerializer(self.get_queryset().get(pk=obstacle.pk)).data)

    @extend_schema(request=AnswerBody, responses=ObstacleSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        return self._act(request, "answer", AnswerBody, services.obstacle_answer)

    @extend_schema(request=EscalateBody, responses=ObstacleSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        return self._act(request, "escalate", EscalateBody, services.obstacle_escalate)

    @extend_schema(request=ConfirmBody, responses=ObstacleSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._act(request, "confirm", ConfirmBody, services.obstacle_confirm)

    @extend_schema(responses=ObstacleTransitionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # a plain list, as it answers
    def history(self, request, pk=None):
        obstacle = self.get_object()
        rows = obstacle.transitions.select_related("actor")
        return Response(ObstacleTransitionSerializer(rows, many=True).data)
