"""REST API for proposals (shared/CONTRACT.md, Proposals) on the same services as the pages."""

from __future__ import annotations

from django.db.models import F, Q
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from portal.api import (
    CollectiveVoteSerializer,
    PersonSerializer,
    TransitionSerializerBase,
    UsernameSerializer,
)
from portal.errors import InvalidTransition, NotAllowed
from portal.text import reject_control_characters
from proposals import permissions, services
from proposals.models import MAX_BUDGET_VND, Proposal, ProposalTransition
from proposals.permissions import get_proposal_for

TEXT_LIMIT = 20_000


class ProposalSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    reviewer_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    budget_vnd = serializers.IntegerField(
        min_value=0, max_value=MAX_BUDGET_VND, required=False, allow_null=True
    )
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id", "title", "necessity", "gap_kind", "legal_basis", "solution", "scope", "start_date",
            "end_date", "resources", "budget_vnd", "feasibility", "impact_positive", "impact_negative",
            "expected_results", "risks", "conflict_of_interest", "conditions_confirmed",
            "status", "author", "unit", "reviewer_unit", "received_on", "decision_due", "decision_mode",
            "created_at", "is_overdue", "party_opinion", "party_supports", "votes_for", "votes_against",
            "votes_abstain", "head_vote", "responsibility_statement", "decided_on", "adopted_from",
        ]  # fmt: skip
        read_only_fields = [
            "status", "author", "unit", "reviewer_unit", "received_on", "decision_due", "decision_mode",
            "created_at", "party_opinion", "party_supports", "votes_for", "votes_against", "votes_abstain",
            "head_vote", "responsibility_statement", "decided_on", "adopted_from",
        ]  # fmt: skip
        extra_kwargs = {
            name: {"max_length": TEXT_LIMIT, "validators": [reject_control_characters]}
            for name in (
                "necessity", "legal_basis", "solution", "scope", "resources", "feasibility",
                "impact_positive", "impact_negative", "expected_results", "risks", "conflict_of_interest",
            )
        }  # fmt: skip
        extra_kwargs["title"] = {"max_length": 255, "validators": [reject_control_characters]}
        # "" until the decision: the schema says so (issue "Trust", defect 10)
        extra_kwargs["decision_mode"] = extra_kwargs["head_vote"] = {"allow_blank": True}

    def validate(self, attrs):
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
        return attrs


class TransitionSerializer(TransitionSerializerBase):
    class Meta(TransitionSerializerBase.Meta):
        model = ProposalTransition


def text_field(**kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=TEXT_LIMIT, validators=[reject_control_characters], **kwargs)


class ReasonSerializer(serializers.Serializer):
    reason = text_field()


class OptionalReasonSerializer(serializers.Serializer):
    reason = text_field(required=False, allow_blank=True)


class PartyOpinionSerializer(serializers.Serializer):
    opinion = text_field()
    supports = serializers.BooleanField()


class DecideSerializer(CollectiveVoteSerializer):
    mode = serializers.ChoiceField(choices=Proposal.Mode.choices)
    support_granted = text_field(required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if "votes" not in attrs:
            missing = [name for name in ("votes_for", "votes_against", "head_vote") if name not in attrs]
            if missing:
                raise ValidationError({name: [_("This field is required.")] for name in missing})
        return attrs


class OverrideSerializer(serializers.Serializer):
    responsibility_statement = text_field()


class ProposalViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Proposals the caller may see. Create a draft, edit it (author, draft or returned), act on it."""

    serializer_class = ProposalSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        queryset = Proposal.objects.visible_to(self.request.user).for_list()
        params = self.request.query_params
        if params.get("status") in Proposal.Status.values:
            queryset = queryset.filter(status=params["status"])
        if params.get("unit"):
            queryset = queryset.filter(Q(unit__code=params["unit"]) | Q(reviewer_unit__code=params["unit"]))
        if params.get("overdue") in {"1", "true"}:
            queryset = queryset.overdue()
        if params.get("mine") in {"1", "true"}:
            queryset = queryset.filter(author=self.request.user)
        if params.get("inbox") in {"1", "true"}:
            queryset = queryset.awaiting_decision_by(self.request.user).order_by("decision_due", "id")
        if params.get("q"):
            queryset = queryset.search(params["q"][:200])
        return queryset

    def get_object(self):
        return get_proposal_for(self.request.user, int(self.kwargs["pk"]))

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=Proposal.Status.values),
            OpenApiParameter("unit", str, description="unit code (author's or reviewing unit)"),
            OpenApiParameter("overdue", bool),
            OpenApiParameter("mine", bool),
            OpenApiParameter("inbox", bool, description="waiting for my decision, by due date"),
            OpenApiParameter("q", str, description="search, with or without diacritics"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = services.proposal_create(
            author=self.request.user, data=serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.proposal_update(
            actor=self.request.user, proposal=serializer.instance, data=serializer.validated_data
        )

    def update(self, request, *args, **kwargs):
        proposal = self.get_object()
        if not permissions.can_edit(request.user, proposal):
            raise NotAllowed(_("Only the author can edit the proposal."))
        if proposal.status not in Proposal.EDITABLE_STATES:
            raise InvalidTransition(
                _("A proposal can be edited only as a draft or when returned for completion.")
            )
        kwargs["partial"] = True
        return super().update(request, *args, **kwargs)

    def _act(self, request, action: str, body_serializer, service):
        proposal = self.get_object()
        # 403 and 409 come before any complaint about the body.
        services.FLOW.check(actor=request.user, obj=proposal, action=action)
        data = {}
        if body_serializer is not None:
            body = body_serializer(data=request.data)
            body.is_valid(raise_exception=True)
            data = body.validated_data
        proposal = service(actor=request.user, proposal=proposal, **data)
        return Response(
            ProposalSerializer(proposal, context={"request": request}).data, status=status.HTTP_200_OK
        )

    @extend_schema(request=None, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._act(request, "submit", None, services.proposal_submit)

    @extend_schema(request=OptionalReasonSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._act(request, "withdraw", OptionalReasonSerializer, services.proposal_withdraw)

    @extend_schema(request=ReasonSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._act(request, "return", ReasonSerializer, services.proposal_return)

    @extend_schema(request=PartyOpinionSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"], url_path="party-opinion")
    def party_opinion(self, request, pk=None):
        return self._act(
            request, "party_opinion", PartyOpinionSerializer, services.proposal_record_party_opinion
        )

    @extend_schema(request=DecideSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        return self._act(request, "decide", DecideSerializer, services.proposal_decide)

    @extend_schema(request=OverrideSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def override(self, request, pk=None):
        return self._act(request, "override", OverrideSerializer, services.proposal_override)

    @extend_schema(request=ReasonSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._act(request, "reject", ReasonSerializer, services.proposal_reject)

    def _co_implementers(self, proposal: Proposal, code=status.HTTP_200_OK) -> Response:
        people = proposal.co_implementers.order_by("full_name", "username")
        return Response(PersonSerializer(people, many=True).data, status=code)

    def _check_co_implementers_change(self, proposal: Proposal) -> None:
        # 403 and 409 come before any complaint about the body.
        if not permissions.is_author(self.request.user, proposal):
            raise NotAllowed(_("Only the author can add co-implementers."))
        if proposal.status not in Proposal.EDITABLE_STATES:
            raise InvalidTransition(
                _("Co-implementers can be changed only on a draft or a returned proposal.")
            )

    @extend_schema(request=UsernameSerializer, responses={200: PersonSerializer(many=True)})
    @action(detail=True, methods=["get", "post"], url_path="co-implementers", pagination_class=None)
    def co_implementers(self, request, pk=None):
        """The co-implementers; the author adds one (`username`) while a draft or returned."""
        proposal = self.get_object()
        if request.method == "GET":
            return self._co_implementers(proposal)
        self._check_co_implementers_change(proposal)
        body = UsernameSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.co_implementer_add(
            actor=request.user, proposal=proposal, user=body.validated_data["username"]
        )
        return self._co_implementers(proposal, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=PersonSerializer(many=True))
    @action(
        detail=True,
        methods=["post"],
        url_path=r"co-implementers/(?P<username>[\w.@+-]{1,150})/remove",
        pagination_class=None,
    )  # a plain list, as it answers
    def remove_co_implementer(self, request, pk=None, username=None):
        proposal = self.get_object()
        self._check_co_implementers_change(proposal)
        user = proposal.co_implementers.filter(username=username).first()
        if user is None:
            raise Http404
        services.co_implementer_remove(actor=request.user, proposal=proposal, user=user)
        return self._co_implementers(proposal)

    @extend_schema(responses=TransitionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # a plain list, as it answers
    def history(self, request, pk=None):
        proposal = self.get_object()
        # State changes only, oldest first; recorded steps (Party opinion, co-implementers) show
        # on the proposal page's timeline.
        rows = proposal.transitions.exclude(from_status=F("to_status")).select_related("actor")
        return Response(TransitionSerializer(rows, many=True).data)
