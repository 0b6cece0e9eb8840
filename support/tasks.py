"""Reminders about unanswered obstacles, fed to the daily due sweep (portal.reminders): overdue
(answer due within 5 working days, product rule), the head of the answering unit is reminded
each working day and the head of the unit above is told as well — each once per day."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from portal.models import RoleAssignment
from portal.reminders import Reminder
from portal.workdays import is_working_day
from support.models import Obstacle


def obstacle_reminders(day: datetime.date) -> Iterator[Reminder]:
    if not is_working_day(day):
        return
    for obstacle in Obstacle.objects.overdue(day).for_list():
        context = {"obstacle": obstacle, "template": "obstacle_reminder"}
        answerer = RoleAssignment.objects.head_of(obstacle.answerer_unit)
        if answerer is not None and answerer.is_active:
            yield Reminder(answerer, "obstacle_overdue", obstacle, context)
        parent = obstacle.answerer_unit.parent
        above = RoleAssignment.objects.head_of(parent) if parent else None
        if above is not None and above.is_active and above.pk != getattr(answerer, "pk", None):
            yield Reminder(above, "obstacle_overdue_escalation", obstacle, context)
