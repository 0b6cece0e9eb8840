"""The one figure of the reports that is not a count of rows: how many of the items named by the
urgings were cleared within 10 working days of the urging (product rule)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from monitoring import items
from portal.rules import rule
from portal.workdays import add_working_days


def items_cleared(urgings: QuerySet) -> int:
    """The items named by `urgings` that were cleared within the rule's working days of each."""
    cleared = 0
    days = rule("urging_clearance_working_days")
    for urging in urgings.prefetch_related("items"):
        limit = add_working_days(timezone.localdate(urging.sent_at), days)
        for item in urging.items.all():
            at = items.cleared_at(item.kind, item.object_id, urging.sent_at)
            cleared += at is not None and timezone.localdate(at) <= limit
    return cleared
