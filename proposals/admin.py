"""Admin: proposals are read-only here (the process runs through the portal's services), and
nothing submitted can be deleted."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from portal.admin import PrivateFilesMixin
from proposals.models import Proposal, ProposalAttachment, ProposalTransition


class ReadOnly:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnly, SimpleHistoryAdmin):
    pass


class TransitionInline(admin.TabularInline):
    model = ProposalTransition
    extra = 0
    can_delete = False
    fields = ["at", "action", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ["id", "title", "status", "author", "unit", "reviewer_unit", "received_on", "decision_due"]
    list_filter = ["status", "gap_kind", "decision_mode"]
    search_fields = ["title", "author__username", "author__full_name", "unit__code"]
    date_hierarchy = "created_at"
    inlines = [TransitionInline]


@admin.register(ProposalAttachment)
class ProposalAttachmentAdmin(PrivateFilesMixin, ReadOnlyAdmin):
    list_display = ["original_name", "proposal", "kind", "size", "uploaded_by", "uploaded_at"]
    search_fields = ["original_name", "sha256"]


@admin.register(ProposalTransition)
class ProposalTransitionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["proposal", "action", "from_status", "to_status", "actor", "at"]
    list_filter = ["action", "to_status"]
