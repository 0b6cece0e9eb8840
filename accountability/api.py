"""REST API for accountability cases (shared/CONTRACT.md, Accountability), on the services."""

from __future__ import annotations

from django.db.models import F
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accountability import permissions, services
from accountability.models import Case, CaseAttachment, CaseExplanation, CaseReview, CaseTransition
from accountability.permissions import get_case_for
from portal.api import AttachmentSerializerBase, TransitionSerializerBase, text
from portal.errors import NotAllowed
from portal.models import User
from portal.text import reject_control_characters
from proposals.permissions import get_proposal_for


class CaseReviewSerializer(serializers.ModelSerializer):
    inspector = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = CaseReview
        fields = ["inspector", "findings", "recommendation", "at"]


class CaseAttachmentSerializer(AttachmentSerializerBase):
    class Meta(AttachmentSerializerBase.Meta):
        model = CaseAttachment


class ExplanationSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    attachments = CaseAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = CaseExplanation
        fields = ["author", "text", "at", "attachments"]


class CaseSerializer(serializers.ModelSerializer):
    subject = serializers.SlugRelatedField(slug_field="username", read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    summary = serializers.CharField(source="summary_text", read_only=True)
    damage = serializers.SerializerMethodField()
    damage_vnd = serializers.SerializerMethodField()
    reviews = CaseReviewSerializer(many=True, read_only=True)
    explanations = ExplanationSerializer(many=True, read_only=True)

    class Meta:
        model = Case
        fields = [
            "id", "pilot", "proposal", "kind", "status", "subject", "opened_at", "unit", "summary",
            "damage", "damage_vnd", "determination_due", "objective_causes", "subjective_causes",
            "acted_per_policy", "pure_motive", "common_good", "substantiated", "findings",
            "determined_on", "decision_due", "result", "result_basis", "decided_on", "reviews",
            "explanations",
        ]  # fmt: skip
        read_only_fields = fields
        extra_kwargs = {"result": {"allow_blank": True}}  # "" until the case is decided

    def get_damage(self, case: Case) -> bool:
        return bool(case.pilot and case.pilot.damage)

    def get_damage_vnd(self, case: Case) -> int | None:
        return case.pilot.damage_vnd if case.pilot and case.pilot.damage else None

    def to_representation(self, case: Case) -> dict:
        data = super().to_representation(case)
        # Whoever reported abuse or obstruction stays anonymous to the accused, on every step.
        user = self.context["request"].user
        if permissions.sees_reporter(user, case):
            data["opened_by"] = case.opened_by.username
        elif (hidden := permissions.hidden_actor_id(user, case)) is not None:
            for row, review in zip(data["reviews"], case.reviews.all(), strict=True):
                if review.inspector_id == hidden:
                    row["inspector"] = None
        return data


class CaseReportSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[Case.Kind.ABUSE, Case.Kind.OBSTRUCTION])
    proposal = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    subject = serializers.CharField(max_length=150)
    summary = text()

    def validate_subject(self, username: str) -> User:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise serializers.ValidationError(_("No active person has this username."))
        return user


class CaseReviewBody(serializers.Serializer):
    findings = text()
    recommendation = serializers.ChoiceField(choices=CaseReview.Recommendation.choices)


class OutcomeDetermination(serializers.Serializer):
    objective_causes = text(required=False, allow_blank=True, default="")
    subjective_causes = text(required=False, allow_blank=True, default="")
    acted_per_policy = serializers.BooleanField()
    pure_motive = serializers.BooleanField()
    common_good = serializers.BooleanField()


class ReportDetermination(serializers.Serializer):
    substantiated = serializers.BooleanField()
    findings = text()


class ReliefBody(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["excluded", "exempted", "reduced", "refused"])
    basis = text()


class ReferralOutcomeBody(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["sanctioned", "cleared"])
    note = text(required=False, allow_blank=True, default="")


class ExplanationBody(serializers.Serializer):
    """JSON `{"text"}`, or multipart with an optional `file` (PDF, DOCX, XLSX, ODT, JPEG or PNG,
    up to 20 MB) and its `description`."""

    text = text()
    file = serializers.FileField(required=False, write_only=True)
    description = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default="", validators=[reject_control_characters]
    )


class CaseTransitionSerializer(TransitionSerializerBase):
    class Meta(TransitionSerializerBase.Meta):
        model = CaseTransition


class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Cases the caller may see; an inspector or a head reports abuse or obstruction."""

    serializer_class = CaseSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        queryset = (
            Case.objects.visible_to(self.request.user)
            .for_list()
            .prefetch_related("reviews__inspector", "explanations__author", "explanations__attachments")
        )
        params = self.request.query_params
        pilot = params.get("pilot", "")
        if pilot.isdigit() and len(pilot) <= 18:
            queryset = queryset.filter(pilot_id=int(pilot))
        elif pilot:
            queryset = queryset.none()
        if params.get("kind") in Case.Kind.values:
            queryset = queryset.filter(kind=params["kind"])
        if params.get("status") in Case.Status.values:
            queryset = queryset.filter(status=params["status"])
        return queryset

    def get_object(self) -> Case:
        return get_case_for(self.request.user, int(self.kwargs["pk"]))

    def _body(self, serializer_class) -> dict:
        body = serializer_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    def _case(self, case: Case, code=status.HTTP_200_OK) -> Response:
        case = self.get_queryset().get(pk=case.pk)
        return Response(CaseSerializer(case, context={"request": self.request}).data, status=code)

    @extend_schema(
        parameters=[
            OpenApiParameter("pilot", int, description="only the cases of this pilot"),
            OpenApiParameter("kind", str, enum=Case.Kind.values),
            OpenApiParameter("status", str, enum=Case.Status.values),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=CaseReportSerializer, responses={201: CaseSerializer})
    def create(self, request):
        # 403 comes before any complaint about the body.
        if not permissions.may_report(request.user):
            raise NotAllowed(_("Only an inspector or a head reports abuse or obstruction."))
        data = self._body(CaseReportSerializer)
        try:
            proposal = get_proposal_for(request.user, data.pop("proposal"))
        except Http404:  # a proposal the caller cannot see is a field to fix, not a missing page
            raise serializers.ValidationError(
                {"proposal": [_("No proposal you can see has this id.")]}
            ) from None
        case = services.case_report(actor=request.user, proposal=proposal, **data)
        return self._case(case, status.HTTP_201_CREATED)

    def _act(self, request, name: str, body, service, code=status.HTTP_200_OK, case: Case | None = None):
        case = case or self.get_object()
        # 403 and 409 come before any complaint about the body.
        services.FLOW.check(actor=request.user, obj=case, action=name)
        result = service(actor=request.user, case=case, **self._body(body))
        return self._case(result if isinstance(result, Case) else case, code)

    @extend_schema(request=CaseReviewBody, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self._act(request, "review", CaseReviewBody, services.case_review)

    @extend_schema(request=OutcomeDetermination, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def determine(self, request, pk=None):
        case = self.get_object()
        body = OutcomeDetermination if case.kind == Case.Kind.OUTCOME else ReportDetermination
        return self._act(request, "determine", body, services.case_determine, case=case)

    @extend_schema(request=ReliefBody, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def relief(self, request, pk=None):
        return self._act(request, "relief", ReliefBody, services.case_relief)

    @extend_schema(request=ReferralOutcomeBody, responses=CaseSerializer)
    @action(detail=True, methods=["post"], url_path="referral-outcome")
    def referral_outcome(self, request, pk=None):
        return self._act(request, "referral_outcome", ReferralOutcomeBody, services.case_referral_outcome)

    @extend_schema(request=ExplanationBody, responses={201: CaseSerializer})
    @action(detail=True, methods=["post"])
    def explanation(self, request, pk=None):
        return self._act(
            request, "explanation", ExplanationBody, services.case_explain, status.HTTP_201_CREATED
        )

    @extend_schema(responses=CaseTransitionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # a plain list, as it answers
    def history(self, request, pk=None):
        case = self.get_object()
        rows = case.transitions.exclude(from_status=F("to_status")).select_related("actor")
        data = CaseTransitionSerializer(rows, many=True).data
        hidden = permissions.hidden_actor_id(request.user, case)
        for row, step in zip(data, rows, strict=True):
            if hidden is not None and step.actor_id == hidden:
                row["actor"] = None
        return Response(data)
