"""Working days (ngày làm việc): every legal deadline of Decree 73 counts them.

A day is a working day unless it is a Saturday or Sunday or a Vietnamese public holiday (the
`holidays` package's VN calendar, which knows Tết, substituted days off and the Saturdays
worked in exchange) — and an administrator's CalendarDay overrides both ways.

Inside `snapshot()` (the daily sweep's chunks), the administrator's calendar is read once and every
answer is remembered, so thousands of deadlines cost one query instead of one each.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache, wraps

import holidays

# Enough to reach any deadline the portal counts (7 working days) across the longest Tết break.
_LOOKAHEAD_DAYS = 60


@lru_cache(maxsize=32)
def _national_calendar(year: int) -> holidays.HolidayBase:
    return holidays.VN(years=year)


class _Snapshot:
    """The whole administrator's calendar (a few rows a year) and the answers given from it."""

    def __init__(self) -> None:
        self.corrections = _read_corrections(None, None)
        self.answers: dict[tuple, object] = {}


_snapshot: ContextVar[_Snapshot | None] = ContextVar("workdays_snapshot", default=None)


@contextmanager
def snapshot() -> Iterator[None]:
    """Within: one read of the calendar, and each (function, arguments) computed once. For work
    that asks about many deadlines of one moment (a sweep's chunk), not for long-lived code: a
    correction an administrator makes meanwhile is seen by the next snapshot."""
    token = _snapshot.set(_Snapshot())
    try:
        yield
    finally:
        _snapshot.reset(token)


def _remembered(function):
    @wraps(function)
    def wrapper(*args):
        current = _snapshot.get()
        if current is None:
            return function(*args)
        key = (function.__name__, *args)
        if key not in current.answers:
            current.answers[key] = function(*args)
        return current.answers[key]

    return wrapper


def _read_corrections(start: datetime.date | None, end: datetime.date | None) -> dict[datetime.date, bool]:
    from portal.models import CalendarDay

    rows = CalendarDay.objects.filter(withdrawn_at__isnull=True)
    if start is not None:
        rows = rows.filter(date__gt=start, date__lte=end)
    return {day: kind == CalendarDay.Kind.WORKING_DAY for day, kind in rows.values_list("date", "kind")}


def _admin_corrections(start: datetime.date, end: datetime.date) -> dict[datetime.date, bool]:
    """The corrections after `start` up to `end` (callers look up days in that span only)."""
    current = _snapshot.get()
    return current.corrections if current is not None else _read_corrections(start, end)


def _is_national_working_day(day: datetime.date) -> bool:
    calendar = _national_calendar(day.year)
    if day in calendar:
        return False
    if day in calendar.weekend_workdays:
        return True
    return day.weekday() < 5


def _working(day: datetime.date, corrections: dict[datetime.date, bool]) -> bool:
    corrected = corrections.get(day)
    return _is_national_working_day(day) if corrected is None else corrected


@_remembered
def is_working_day(day: datetime.date) -> bool:
    return _working(day, _admin_corrections(day - datetime.timedelta(days=1), day))


@_remembered
def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The `days`-th working day after `start` (`start` itself when `days` is 0)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        window_end = current + datetime.timedelta(days=_LOOKAHEAD_DAYS + remaining * 3)
        corrections = _admin_corrections(current, window_end)
        while remaining and current < window_end:
            current += datetime.timedelta(days=1)
            if _working(current, corrections):
                remaining -= 1
    return current


@_remembered
def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days lie after `start` up to and including `end` (negative if end < start)."""
    if end < start:
        return -working_days_between(end, start)
    corrections = _admin_corrections(start, end)
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        count += _working(day, corrections)
    return count


def working_day_spans(pairs: list[tuple[datetime.date, datetime.date]]) -> list[int]:
    """`working_days_between` for many (start, end) pairs at once: the calendar is read once and
    counted cumulatively, so a report over thousands of decisions stays one query."""
    if not pairs:
        return []
    low = min(min(start, end) for start, end in pairs)
    high = max(max(start, end) for start, end in pairs)
    corrections = _admin_corrections(low, high)
    cumulative, count, day = {low: 0}, 0, low
    while day < high:
        day += datetime.timedelta(days=1)
        count += _working(day, corrections)
        cumulative[day] = count
    return [cumulative[end] - cumulative[start] for start, end in pairs]
