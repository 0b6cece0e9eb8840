"""Admin: accountability cases are read-only here, with their history; nothing is deleted."""

from django.contrib import admin

from accountability.models import Case, CaseExplanation, CaseReview, CaseTransition
from proposals.admin import ReadOnlyAdmin


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "status", "subject", "proposal", "pilot", "opened_at"]
    list_filter = ["kind", "status"]


@admin.register(CaseReview)
class CaseReviewAdmin(ReadOnlyAdmin):
    list_display = ["id", "case", "inspector", "recommendation", "at"]


@admin.register(CaseExplanation)
class CaseExplanationAdmin(ReadOnlyAdmin):
    list_display = ["id", "case", "author", "at"]


@admin.register(CaseTransition)
class CaseTransitionAdmin(ReadOnlyAdmin):
    list_display = ["id", "case", "action_label", "from_status", "to_status", "actor", "at"]
