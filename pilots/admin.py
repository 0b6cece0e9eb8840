"""Admin: pilots and their records are read-only here (they change through the portal's
services), with their history; nothing can be deleted."""

from django.contrib import admin

from pilots.models import Inspection, Pilot, PilotAttachment, PilotTransition, PlanVersion, ProgressReport
from portal.admin import PrivateFilesMixin
from proposals.admin import ReadOnly, ReadOnlyAdmin


class TransitionInline(ReadOnly, admin.TabularInline):
    model = PilotTransition
    extra = 0
    fields = ["at", "action_label", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields


@admin.register(Pilot)
class PilotAdmin(ReadOnlyAdmin):
    list_display = ["id", "proposal", "unit", "status", "mode", "start_date", "end_date", "progress_percent"]
    list_filter = ["status", "mode", "outcome"]
    search_fields = ["proposal__title", "unit__code"]
    inlines = [TransitionInline]


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ["pilot", "period_start", "period_end", "due_date", "status", "progress_percent"]
    list_filter = ["status"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["pilot", "inspector", "inspected_on", "severity"]
    list_filter = ["severity"]


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["pilot", "number", "created_by", "created_at"]


@admin.register(PilotAttachment)
class PilotAttachmentAdmin(PrivateFilesMixin, ReadOnlyAdmin):
    list_display = ["original_name", "pilot", "report", "kind", "size", "uploaded_by", "uploaded_at"]
