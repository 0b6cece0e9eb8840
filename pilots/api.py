"""REST API for pilots (shared/CONTRACT.md, Pilots), on the same services as the pages."""

from __future__ import annotations

from django.db.models import F, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from pilots import permissions, services
from pilots.models import (
    CorrectiveAction,
    Indicator,
    Inspection,
    Pilot,
    PilotAttachment,
    PilotTransition,
    PlanVersion,
    ProgressReport,
)
from pilots.permissions import get_pilot_for
from portal.api import (
    CollectiveVoteSerializer,
    PersonSerializer,
    TransitionSerializerBase,
    UsernameSerializer,
)
from portal.errors import NotAllowed
from portal.models import User
from portal.text import reject_control_characters
from proposals.models import MAX_BUDGET_VND
from proposals.permissions import get_proposal_for

TEXT_LIMIT = 20_000


def text(**kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=TEXT_LIMIT, validators=[reject_control_characters], **kwargs)


def money(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=MAX_BUDGET_VND, **kwargs)


def number() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=19, decimal_places=4, coerce_to_string=False)


class IndicatorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(max_length=255, validators=[reject_control_characters])
    unit = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default="", validators=[reject_control_characters]
    )
    baseline = number()
    target = number()
    actual = serializers.DecimalField(
        max_digits=19, decimal_places=4, coerce_to_string=False, read_only=True, allow_null=True
    )  # null until a value is reported

    class Meta:
        model = Indicator
        fields = ["name", "unit", "baseline", "target", "actual"]
        read_only_fields = ["actual"]


class IndicatorValueSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    value = number()


class MilestoneSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255, validators=[reject_control_characters])
    due_date = serializers.DateField()


class PilotSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="proposal.title", read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    implementers = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True, source="current_indicators")
    next_report_due = serializers.SerializerMethodField()
    milestones = serializers.SerializerMethodField()

    def get_next_report_due(self, pilot: Pilot) -> str | None:
        """Only a pilot still being carried out has progress reports due."""
        due = getattr(pilot, "next_report_due", None)
        running = pilot.status in (Pilot.Status.PLANNED, Pilot.Status.ACTIVE, Pilot.Status.SUSPENDED)
        return due.isoformat() if due and running else None

    def get_milestones(self, pilot: Pilot) -> list[dict]:
        return [
            {
                "name": m.name,
                "due_date": m.due_date.isoformat(),
                "done_on": m.done_on and m.done_on.isoformat(),
            }
            for m in pilot.milestones.all()
        ]

    class Meta:
        model = Pilot
        fields = [
            "id", "proposal", "title", "unit", "status", "mode", "start_date", "end_date", "report_frequency",
            "budget_vnd", "resources", "scope", "implementers", "indicators", "next_report_due",
            "results_report_due", "evaluation_due", "progress_percent", "outcome", "damage", "damage_vnd",
            "objective_causes", "subjective_causes", "created_at", "milestones",
        ]  # fmt: skip
        read_only_fields = fields
        extra_kwargs = {"outcome": {"allow_blank": True}}  # "" until the evaluation


class PilotCreateSerializer(serializers.Serializer):
    proposal = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    report_frequency = serializers.ChoiceField(
        choices=Pilot.Frequency.choices, default=Pilot.Frequency.MONTHLY
    )
    budget_vnd = money(default=0)
    resources = text(required=False, allow_blank=True, default="")
    scope = text(required=False, allow_blank=True, default="")
    implementers = serializers.ListField(
        child=serializers.CharField(max_length=150), required=False, max_length=100
    )
    indicators = IndicatorSerializer(many=True, required=False)
    milestones = MilestoneSerializer(many=True, required=False, max_length=100)

    def validate_implementers(self, usernames: list[str]) -> list[User]:
        people = {user.username: user for user in User.objects.filter(username__in=usernames, is_active=True)}
        unknown = [name for name in usernames if name not in people]
        if unknown:
            raise serializers.ValidationError(
                _("No active person with the username: %(names)s") % {"names": ", ".join(unknown)[:500]}
            )
        return [people[name] for name in dict.fromkeys(usernames)]

    def validate(self, attrs):
        if attrs["end_date"] < attrs["start_date"]:
            raise serializers.ValidationError(
                {"end_date": _("The end date cannot be before the start date.")}
            )
        return attrs


class ReportSerializer(serializers.ModelSerializer):
    indicator_values = IndicatorValueSerializer(many=True, required=False, write_only=True, max_length=200)
    summary = text()
    progress_percent = serializers.IntegerField(min_value=0, max_value=100)
    spending_vnd = money(required=False, allow_null=True)
    issues = text(required=False, allow_blank=True)

    class Meta:
        model = ProgressReport
        fields = [
            "id", "period_start", "period_end", "due_date", "status", "summary", "progress_percent",
            "spending_vnd", "issues", "submitted_at", "review_note", "indicator_values",
        ]  # fmt: skip
        read_only_fields = ["id", "period_start", "due_date", "status", "submitted_at", "review_note"]
        extra_kwargs = {"period_end": {"required": True}}


class ReportOutSerializer(ReportSerializer):
    """A report as answered: one still due has no progress yet."""

    progress_percent = serializers.IntegerField(read_only=True, allow_null=True)


class ReviewSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    note = text(required=False, allow_blank=True, default="")


class CorrectiveActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CorrectiveAction
        fields = ["id", "description", "due_date", "closed_on", "closing_note"]
        read_only_fields = fields


class InspectionSerializer(serializers.ModelSerializer):
    actions = CorrectiveActionSerializer(many=True, read_only=True)
    findings = text()
    corrective_actions = text(required=False, allow_blank=True, default="", write_only=True)
    due_date = serializers.DateField(required=False, allow_null=True, write_only=True)
    inspector = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "inspector", "inspected_on", "findings", "severity", "corrective_actions", "due_date"]
        fields += ["actions"]
        read_only_fields = ["id", "inspector", "inspected_on", "actions"]


class DirectiveSerializer(serializers.Serializer):
    reason = text()


class CloseActionSerializer(serializers.Serializer):
    note = text()


class AdjustSerializer(serializers.Serializer):
    reason = text()
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False)
    report_frequency = serializers.ChoiceField(choices=Pilot.Frequency.choices, required=False)
    budget_vnd = money(required=False)
    resources = text(required=False, allow_blank=True)
    scope = text(required=False, allow_blank=True)
    indicators = IndicatorSerializer(many=True, required=False)


class ResultsReportSerializer(serializers.Serializer):
    summary = text()
    indicator_values = IndicatorValueSerializer(many=True, required=False, max_length=200)


class EvaluateSerializer(CollectiveVoteSerializer):
    outcome = serializers.ChoiceField(choices=Pilot.Outcome.choices)
    damage = serializers.BooleanField(default=False)
    damage_vnd = money(required=False, allow_null=True)
    objective_causes = text(required=False, allow_blank=True, default="")
    subjective_causes = text(required=False, allow_blank=True, default="")
    party_opinion = text()
    indicator_values = IndicatorValueSerializer(many=True, required=False, max_length=200)


class PilotTransitionSerializer(TransitionSerializerBase):
    class Meta(TransitionSerializerBase.Meta):
        model = PilotTransition


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    before = serializers.JSONField()
    after = serializers.JSONField()


class PlanVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(source="number")
    plan = serializers.JSONField()
    changes_from_baseline = serializers.SerializerMethodField()
    reason = serializers.CharField(source="reason_text")
    by = serializers.CharField(source="created_by.username")
    at = serializers.DateTimeField(source="created_at")

    def get_changes_from_baseline(self, version: PlanVersion) -> list[dict]:
        return ChangeSerializer(version.changes_from(self.context["baseline"]), many=True).data


def _prefetched(queryset):
    return queryset.prefetch_related(
        "implementers",
        "milestones",
        Prefetch(
            "indicators", queryset=Indicator.objects.filter(retired=False), to_attr="current_indicators"
        ),
    )


class AttachmentSerializer(serializers.ModelSerializer):
    file = serializers.FileField(write_only=True)
    report = serializers.IntegerField(
        source="report_id", required=False, allow_null=True, min_value=1, max_value=2**63 - 1
    )
    description = serializers.CharField(
        max_length=255, required=False, allow_blank=True, validators=[reject_control_characters]
    )
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = PilotAttachment
        fields = [
            "id",
            "file",
            "report",
            "original_name",
            "kind",
            "size",
            "sha256",
            "description",
            "uploaded_by",
        ]
        read_only_fields = ["id", "original_name", "kind", "size", "sha256", "uploaded_by"]


class PilotViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Pilots the caller may see; the head who approved a proposal creates its pilot."""

    serializer_class = PilotSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        queryset = Pilot.objects.visible_to(self.request.user).for_list()
        status_filter = self.request.query_params.get("status")
        if status_filter in Pilot.Status.values:
            queryset = queryset.filter(status=status_filter)
        return _prefetched(queryset)

    def get_object(self) -> Pilot:
        return get_pilot_for(self.request.user, int(self.kwargs["pk"]), prefetch=_prefetched)

    def _pilot_response(self, pilot: Pilot, code=status.HTTP_200_OK) -> Response:
        pilot = _prefetched(Pilot.objects.for_list()).get(pk=pilot.pk)
        return Response(PilotSerializer(pilot).data, status=code)

    def _body(self, serializer_class):
        body = serializer_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data

    @extend_schema(request=PilotCreateSerializer, responses={201: PilotSerializer})
    def create(self, request):
        data = self._body(PilotCreateSerializer)
        proposal = get_proposal_for(request.user, data.pop("proposal"))
        indicators = [dict(item) for item in data.pop("indicators", [])]
        milestones = [dict(item) for item in data.pop("milestones", [])]
        pilot = services.pilot_create(
            actor=request.user, proposal=proposal, indicators=indicators, milestones=milestones, **data
        )
        return self._pilot_response(pilot, status.HTTP_201_CREATED)

    def _check(self, pilot: Pilot, action_name: str) -> None:
        # 403 and 409 come before any complaint about the body.
        services.FLOW.check(actor=self.request.user, obj=pilot, action=action_name)

    @extend_schema(methods=["GET"], responses=ReportOutSerializer(many=True))
    @extend_schema(methods=["POST"], request=ReportSerializer, responses={201: ReportOutSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def reports(self, request, pk=None):
        pilot = self.get_object()
        if request.method == "GET":
            return Response(ReportOutSerializer(pilot.reports.all(), many=True).data)
        self._check(pilot, "report")
        data = self._body(ReportSerializer)
        report = services.report_submit(actor=request.user, pilot=pilot, **data)
        return Response(ReportOutSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReviewSerializer, responses=ReportOutSerializer)
    @action(detail=True, methods=["post"], url_path=r"reports/(?P<report_pk>[0-9]{1,18})/review")
    def review_report(self, request, pk=None, report_pk=None):
        pilot = self.get_object()
        report = get_object_or_404(pilot.reports, pk=int(report_pk))
        data = self._body(ReviewSerializer)
        report = services.report_review(actor=request.user, report=report, **data)
        return Response(ReportOutSerializer(report).data)

    @extend_schema(methods=["GET"], responses=InspectionSerializer(many=True))
    @extend_schema(methods=["POST"], request=InspectionSerializer, responses={201: InspectionSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def inspections(self, request, pk=None):
        pilot = self.get_object()
        if request.method == "GET":
            return Response(
                InspectionSerializer(pilot.inspections.select_related("inspector"), many=True).data
            )
        self._check(pilot, "inspect")
        data = self._body(InspectionSerializer)
        inspection = services.inspection_record(actor=request.user, pilot=pilot, **data)
        return Response(InspectionSerializer(inspection).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=AttachmentSerializer(many=True))
    @extend_schema(methods=["POST"], request=AttachmentSerializer, responses={201: AttachmentSerializer})
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[parsers.MultiPartParser, parsers.FormParser],
        pagination_class=None,
    )
    def attachments(self, request, pk=None):
        """Files of the pilot and its reports; POST multipart with `file`, optional `report`."""
        pilot = self.get_object()
        if request.method == "GET":
            rows = pilot.attachments.select_related("uploaded_by")
            return Response(AttachmentSerializer(rows, many=True).data)
        if not permissions.can_attach(request.user, pilot):
            raise NotAllowed(_("Only the implementers, the head and the inspectors attach files to a pilot."))
        data = self._body(AttachmentSerializer)
        report = get_object_or_404(pilot.reports, pk=data["report_id"]) if data.get("report_id") else None
        upload = data["file"]
        attachment = services.attachment_add(
            actor=request.user, pilot=pilot, upload=upload, name=upload.name,
            description=data.get("description", ""), report=report,
        )  # fmt: skip
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CloseActionSerializer, responses=None)
    @action(detail=True, methods=["post"], url_path=r"corrective-actions/(?P<action_pk>[0-9]{1,18})/close")
    def close_corrective_action(self, request, pk=None, action_pk=None):
        pilot = self.get_object()
        corrective = get_object_or_404(CorrectiveAction, pk=int(action_pk), inspection__pilot=pilot)
        data = self._body(CloseActionSerializer)
        corrective = services.corrective_action_close(actor=request.user, action=corrective, **data)
        return Response({"id": corrective.pk, "closed_on": corrective.closed_on})

    @extend_schema(request=AdjustSerializer, responses=PilotSerializer)
    @action(detail=True, methods=["post"])
    def adjust(self, request, pk=None):
        pilot = self.get_object()
        self._check(pilot, "adjust")
        data = self._body(AdjustSerializer)
        reason = data.pop("reason")
        if "indicators" in data:
            data["indicators"] = [dict(item) for item in data["indicators"]]
        return self._pilot_response(
            services.pilot_adjust(actor=request.user, pilot=pilot, reason=reason, changes=data)
        )

    def _directive(self, request, name: str, service):
        pilot = self.get_object()
        self._check(pilot, name)
        data = self._body(DirectiveSerializer)
        return self._pilot_response(service(actor=request.user, pilot=pilot, **data))

    @extend_schema(request=DirectiveSerializer, responses=PilotSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        return self._directive(request, "suspend", services.pilot_suspend)

    @extend_schema(request=DirectiveSerializer, responses=PilotSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._directive(request, "resume", services.pilot_resume)

    @extend_schema(request=DirectiveSerializer, responses=PilotSerializer)
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        return self._directive(request, "terminate", services.pilot_terminate)

    @extend_schema(request=None, responses=PilotSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        pilot = self.get_object()
        return self._pilot_response(services.pilot_complete(actor=request.user, pilot=pilot))

    @extend_schema(request=ResultsReportSerializer, responses=PilotSerializer)
    @action(detail=True, methods=["post"], url_path="results-report")
    def results_report(self, request, pk=None):
        pilot = self.get_object()
        self._check(pilot, "results_report")
        data = self._body(ResultsReportSerializer)
        data["indicator_values"] = [dict(item) for item in data.get("indicator_values", [])]
        return self._pilot_response(services.pilot_results_report(actor=request.user, pilot=pilot, **data))

    @extend_schema(responses=PlanVersionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # a plain list, as it answers
    def versions(self, request, pk=None):
        """Every version of the plan, the approved baseline first, each with its diff against it."""
        pilot = self.get_object()
        versions = list(pilot.versions.select_related("created_by"))
        context = {"baseline": versions[0]} if versions else {}
        return Response(PlanVersionSerializer(versions, many=True, context=context).data)

    @extend_schema(responses=PilotTransitionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # a plain list, as it answers
    def history(self, request, pk=None):
        """State changes, oldest first (recorded steps show on the pilot page's timeline)."""
        pilot = self.get_object()
        rows = pilot.transitions.exclude(from_status=F("to_status")).select_related("actor")
        return Response(PilotTransitionSerializer(rows, many=True).data)

    @extend_schema(request=UsernameSerializer, responses={200: PersonSerializer(many=True)})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def inspectors(self, request, pk=None):
        """Inspectors assigned to this pilot alone; the directing head assigns one (`username`)."""
        pilot = self.get_object()
        if request.method == "POST":
            if not permissions.can_assign_inspectors(request.user, pilot):
                raise NotAllowed(_("Only the head of the approving unit assigns inspectors to a pilot."))
            services.check_inspection_open(pilot)
            user = self._body(UsernameSerializer)["username"]
            services.inspector_assign(actor=request.user, pilot=pilot, user=user)
        people = services.pilot_inspectors(pilot)
        code = status.HTTP_201_CREATED if request.method == "POST" else status.HTTP_200_OK
        return Response(PersonSerializer(people, many=True).data, status=code)

    @extend_schema(request=None, responses=PersonSerializer(many=True))
    @action(
        detail=True,
        methods=["post"],
        url_path=r"inspectors/(?P<username>[\w.@+-]{1,150})/remove",
        pagination_class=None,
    )  # a plain list, as it answers
    def remove_inspector(self, request, pk=None, username=None):
        pilot = self.get_object()
        if not permissions.can_assign_inspectors(request.user, pilot):
            raise NotAllowed(_("Only the head of the approving unit assigns inspectors to a pilot."))
        user = next((p for p in services.pilot_inspectors(pilot) if p.username == username), None)
        if user is None:
            raise Http404
        services.inspector_remove(actor=request.user, pilot=pilot, user=user)
        return Response(PersonSerializer(services.pilot_inspectors(pilot), many=True).data)

    @extend_schema(request=EvaluateSerializer, responses=PilotSerializer)
    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        pilot = self.get_object()
        self._check(pilot, "evaluate")
        data = self._body(EvaluateSerializer)
        data["indicator_values"] = [dict(item) for item in data.get("indicator_values", [])]
        return self._pilot_response(services.pilot_evaluate(actor=request.user, pilot=pilot, **data))
