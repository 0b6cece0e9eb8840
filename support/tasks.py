"""Reminders about unanswered obstacles, fed to the daily due sweep (portal.reminders): overdue
(answer due within 5 working days, product rule), the head of the answering unit is reminded
each working day and the head of the unit above is told as well — each once per day. Read in
bulk, a range of obstacles at a time (a chunk of the sweep)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from portal.reminders import Ids, Reminder, chunked, heads_of, within
from portal.workdays import is_working_day
from support.models import Obstacle


@chunked(Obstacle)
def obstacle_reminders(day: datetime.date, ids: Ids | None = None) -> Iterator[Reminder]:
    if not is_working_day(day):
        return
    obstacles = list(within(Obstacle.objects.overdue(day).for_list(), "pk", ids))
    heads = heads_of({o.answerer_unit_id for o in obstacles} | {o.answerer_unit.parent_id for o in obstacles})
    for obstacle in obstacles:
        context = {"obstacle": obstacle, "template": "obstacle_reminder"}
        answerer = heads.get(obstacle.answerer_unit_id)
        if answerer is not None and answerer.is_active:
            yield Reminder(answerer, "obstacle_overdue", obstacle, context)
        parent_id = obstacle.answerer_unit.parent_id
        above = heads.get(parent_id) if parent_id else None
        if above is not None and above.is_active and above.pk != getattr(answerer, "pk", None):
            yield Reminder(above, "obstacle_overdue_escalation", obstacle, context)
