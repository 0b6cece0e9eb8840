"""Admin: proposals are read-only here (the process runs through the portal's services), and
nothing submitted can be deleted."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.actions import action_label
from portal.admin import PrivateFilesMixin
from portal.history import HistoryAdmin
from proposals.models import Proposal, ProposalAttachment, ProposalTransition


class ReadOnly:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        labelled = ["action_label"] if hasattr(self.model, "action_label") else []
        return [*super().get_readonly_fields(request, obj), *labelled]

    def get_fields(self, request, obj=None):
        """A recorded step reads by its label, in the reader's language, not by its code."""
        fields = [name for name in super().get_fields(request, obj) if name != "action_label"]
        if not hasattr(self.model, "action_label"):
            return fields
        return ["action_label" if name == "action" else name for name in fields]


class ActionFilter(admin.SimpleListFilter):
    """Recorded steps filtered by their action, each named by its label."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        codes = model_admin.model.objects.order_by("action").values_list("action", flat=True).distinct()
        return [(code, action_label(code)) for code in codes]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


class ReadOnlyAdmin(ReadOnly, HistoryAdmin):
    pass


class TransitionInline(admin.TabularInline):
    model = ProposalTransition
    extra = 0
    can_delete = False
    fields = ["at", "action_label", "from_status", "to_status", "actor", "note"]
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
    list_display = ["proposal", "action_label", "from_status", "to_status", "actor", "at"]
    list_filter = [ActionFilter, "to_status"]
