"""Admin: rewards are read-only here, with their history; nothing is deleted."""

from django.contrib import admin

from proposals.admin import ReadOnlyAdmin
from recognition.models import Reward


@admin.register(Reward)
class RewardAdmin(ReadOnlyAdmin):
    list_display = ["id", "cadre", "kind", "pilot", "decision_ref", "decided_on"]
    list_filter = ["kind"]
