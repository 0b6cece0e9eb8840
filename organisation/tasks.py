"""The daily job: reorganisations whose effective date has come are applied before the day's
reminders go out (registered with the sweep in `apps.py`), so each reminder reaches the head who
inherited the record."""

from __future__ import annotations

import datetime


def apply_due_reorganisations(day: datetime.date) -> int:
    from organisation.services import apply_due

    return apply_due(day)
