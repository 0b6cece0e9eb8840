"""REST API for recognition (shared/CONTRACT.md, Recognition), on the same services as the pages."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from pilots.permissions import get_pilot_for
from portal.models import User
from portal.text import reject_control_characters
from recognition import services
from recognition.models import Reward
from recognition.permissions import get_person_for


class RewardSerializer(serializers.ModelSerializer):
    cadre = serializers.SlugRelatedField(slug_field="username", read_only=True)
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    proposal = serializers.IntegerField(source="pilot.proposal_id", read_only=True)

    class Meta:
        model = Reward
        fields = ["id", "pilot", "proposal", "cadre", "kind", "decision_ref", "decided_on", "recorded_by",
                  "recorded_at"]  # fmt: skip
        read_only_fields = fields


class RewardBody(serializers.Serializer):
    pilot = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    cadre = serializers.CharField(max_length=150)
    kind = serializers.ChoiceField(choices=Reward.Kind.values)
    decision_ref = serializers.CharField(max_length=100, validators=[reject_control_characters])
    decided_on = serializers.DateField()
    file = serializers.FileField(required=False, write_only=True)

    def validate_cadre(self, username: str) -> User:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise serializers.ValidationError(_("No active person has this username."))
        return user


class RewardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Rewards the caller may see; the head of the approving unit records one."""

    serializer_class = RewardSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        return Reward.objects.visible_to(self.request.user).for_list()

    @extend_schema(request=RewardBody, responses={201: RewardSerializer})
    def create(self, request):
        raw = request.data.get("pilot") if hasattr(request.data, "get") else None
        if isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit() and len(raw) <= 18):
            pilot = get_pilot_for(request.user, int(raw))
            services.check_reward(actor=request.user, pilot=pilot)  # 403, 409 before the body
        body = RewardBody(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        pilot = get_pilot_for(request.user, data.pop("pilot"))
        reward = services.reward_record(actor=request.user, pilot=pilot, **data)
        return Response(RewardSerializer(reward).data, status=status.HTTP_201_CREATED)


class RecordProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    outcome = serializers.CharField()
    case_result = serializers.CharField()


class RecordSerializer(serializers.Serializer):
    username = serializers.CharField(source="person.username")
    full_name = serializers.CharField(source="person.full_name")
    unit = serializers.CharField(source="person.unit.code", default=None)
    proposals = RecordProposalSerializer(many=True)
    rewards = RewardSerializer(many=True)
    co_implementations = serializers.SerializerMethodField()

    def get_co_implementations(self, record) -> list[dict]:
        return [{"id": p.pk, "title": p.title, "status": p.status} for p in record["co_implementations"]]


class PersonRecordView(APIView):
    """The innovation record of a person (the person, heads over their unit, Organisation
    Committee staff covering it; anyone else 404)."""

    @extend_schema(responses=RecordSerializer)
    def get(self, request, username: str):
        person = get_person_for(request.user, username)
        return Response(RecordSerializer(services.record_of(person)).data)
