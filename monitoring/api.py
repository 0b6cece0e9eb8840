"""REST API for urging (shared/CONTRACT.md, Urging), on the same services as the pages."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from monitoring import items, services
from monitoring.models import Urging, UrgingItem
from monitoring.permissions import get_urging_for
from portal.models import Unit
from portal.text import reject_control_characters

TEXT_LIMIT = 20_000


def text(**kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=TEXT_LIMIT, validators=[reject_control_characters], **kwargs)


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


def _body(request, serializer_class) -> dict:
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


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
        data = _body(request, UrgingSendBody)
        refs = [(ref["kind"], ref["id"]) for ref in data["items"]]
        urging = services.urging_send(actor=request.user, unit=unit, item_refs=refs, note=data["note"])
        return self._urging(urging, status.HTTP_201_CREATED)

    @extend_schema(request=UrgingAnswerBody, responses=UrgingSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        urging = self.get_object()
        services.FLOW.check(actor=request.user, obj=urging, action="answer")  # 403, 409 before the body
        urging = services.urging_answer(actor=request.user, urging=urging, **_body(request, UrgingAnswerBody))
        return self._urging(urging)
