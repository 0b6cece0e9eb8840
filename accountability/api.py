"""REST API for accountability cases (shared/CONTRACT.md, Accountability): listing for now."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets

from accountability.models import Case
from portal.permissions import load_visible


class CaseSerializer(serializers.ModelSerializer):
    subject = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Case
        fields = ["id", "pilot", "proposal", "kind", "status", "subject", "opened_at"]
        read_only_fields = fields


class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CaseSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        queryset = Case.objects.visible_to(self.request.user).select_related("subject")
        pilot = self.request.query_params.get("pilot", "")
        if pilot.isdigit() and len(pilot) <= 18:
            queryset = queryset.filter(pilot_id=int(pilot))
        elif pilot:
            queryset = queryset.none()
        return queryset

    def get_object(self) -> Case:
        return load_visible(self.request.user, self.get_queryset(), pk=int(self.kwargs["pk"]))

    @extend_schema(parameters=[OpenApiParameter("pilot", int, description="only the cases of this pilot")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
