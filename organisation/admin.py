"""Admin: reorganisations are read-only here, with their history; they are loaded, applied and
cancelled on their own pages (`/organisation/`), through the services."""

from django.contrib import admin

from organisation.models import Reorganisation, ReorganisationTransition
from proposals.admin import ReadOnlyAdmin


@admin.register(Reorganisation)
class ReorganisationAdmin(ReadOnlyAdmin):
    list_display = ["id", "reference", "effective_on", "status", "created_by", "applied_at"]
    list_filter = ["status"]
    search_fields = ["reference"]


@admin.register(ReorganisationTransition)
class ReorganisationTransitionAdmin(ReadOnlyAdmin):
    list_display = ["id", "reorganisation", "action_label", "from_status", "to_status", "actor", "at"]
