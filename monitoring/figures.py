"""Figures of support and urging for the reports (CONTRACT, Reports: `obstacles`, `urgings`), over
a unit's subtree and a period — obstacles raised and urgings sent in it."""

from __future__ import annotations

import datetime

from django.utils import timezone

from monitoring import items
from monitoring.models import Urging
from portal.models import Unit, path_prefix_q
from portal.rules import rule
from portal.workdays import add_working_days
from support.models import Obstacle


def period_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The days `start`…`end` as instants, local midnight to local midnight: a filter on them is
    served by an index on the column (a cast to a date per row is not)."""
    day_after = end + datetime.timedelta(days=1)
    return tuple(
        timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)) for day in (start, day_after)
    )


def _in_period(field: str, start: datetime.date, end: datetime.date) -> dict:
    since, until = period_bounds(start, end)
    return {f"{field}__gte": since, f"{field}__lt": until}


def obstacle_figures(unit: Unit, start: datetime.date, end: datetime.date, visible=None) -> dict[str, int]:
    """raised, answered_on_time, escalated (at least once) and open (still waiting) — of the
    obstacles raised in the period on pilots of the subtree."""
    obstacles = (visible if visible is not None else Obstacle.objects.all()).filter(
        path_prefix_q("pilot__unit__path", [unit.path]), **_in_period("raised_at", start, end)
    )
    return {
        "raised": obstacles.count(),
        "answered_on_time": obstacles.filter(answered_on_time=True).count(),
        "escalated": obstacles.filter(escalations__gt=0).count(),
        "open": obstacles.filter(status=Obstacle.Status.OPEN).count(),
    }


def urging_figures(unit: Unit, start: datetime.date, end: datetime.date, visible=None) -> dict[str, int]:
    """sent and answered — of the urgings of the subtree's units sent in the period — and the
    items they named that were cleared within 10 working days of the urging (product rule)."""
    urgings = (visible if visible is not None else Urging.objects.all()).filter(
        path_prefix_q("unit__path", [unit.path]), **_in_period("sent_at", start, end)
    )
    cleared = 0
    days = rule("urging_clearance_working_days")
    for urging in urgings.prefetch_related("items"):
        limit = add_working_days(timezone.localdate(urging.sent_at), days)
        for item in urging.items.all():
            at = items.cleared_at(item.kind, item.object_id, urging.sent_at)
            cleared += at is not None and timezone.localdate(at) <= limit
    return {
        "sent": urgings.count(),
        "answered": urgings.filter(status=Urging.Status.ANSWERED).count(),
        "items_cleared_in_10_working_days": cleared,
    }
