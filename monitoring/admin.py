"""Admin: urgings are read-only here, with their history; nothing is deleted."""

from django.contrib import admin

from monitoring.models import Urging, UrgingItem, UrgingTransition
from proposals.admin import ReadOnlyAdmin


@admin.register(Urging)
class UrgingAdmin(ReadOnlyAdmin):
    list_display = ["id", "unit", "sent_by", "sent_at", "status", "answer_by"]
    list_filter = ["status"]


@admin.register(UrgingItem)
class UrgingItemAdmin(ReadOnlyAdmin):
    list_display = ["id", "urging", "kind", "object_id", "title"]


@admin.register(UrgingTransition)
class UrgingTransitionAdmin(ReadOnlyAdmin):
    list_display = ["id", "urging", "action_label", "from_status", "to_status", "actor", "at"]
