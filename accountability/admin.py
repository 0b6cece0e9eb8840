"""Admin: accountability cases are read-only here, with their history; nothing is deleted."""

from django.contrib import admin

from accountability.models import Case
from proposals.admin import ReadOnlyAdmin


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "status", "subject", "proposal", "pilot", "opened_at"]
    list_filter = ["kind", "status"]
