"""Admin: obstacles are read-only here, with their history; nothing is deleted."""

from django.contrib import admin

from portal.admin import PrivateFilesMixin
from proposals.admin import ReadOnlyAdmin
from support.models import Obstacle, ObstacleAttachment, ObstacleTransition


@admin.register(Obstacle)
class ObstacleAdmin(ReadOnlyAdmin):
    list_display = ["id", "pilot", "kind", "status", "answerer_unit", "answer_due", "raised_at"]
    list_filter = ["kind", "status"]


@admin.register(ObstacleTransition)
class ObstacleTransitionAdmin(ReadOnlyAdmin):
    list_display = ["id", "obstacle", "action_label", "from_status", "to_status", "actor", "at"]


@admin.register(ObstacleAttachment)
class ObstacleAttachmentAdmin(PrivateFilesMixin, ReadOnlyAdmin):
    list_display = ["id", "obstacle", "original_name", "kind", "size", "uploaded_at"]
