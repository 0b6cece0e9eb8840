"""Admin: models and institutionalisations are read-only here, with their history."""

from django.contrib import admin

from proposals.admin import ReadOnlyAdmin
from replication.models import InnovationModel, Institutionalisation, InstitutionalisationTransition


@admin.register(InnovationModel)
class InnovationModelAdmin(ReadOnlyAdmin):
    list_display = ["id", "title", "unit", "field", "published_on"]
    list_filter = ["field"]


@admin.register(Institutionalisation)
class InstitutionalisationAdmin(ReadOnlyAdmin):
    list_display = ["id", "model", "document_kind", "status", "document_number", "issued_on"]


@admin.register(InstitutionalisationTransition)
class InstitutionalisationTransitionAdmin(ReadOnlyAdmin):
    list_display = ["id", "institutionalisation", "action_label", "from_status", "to_status", "actor", "at"]
