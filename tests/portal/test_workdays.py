"""portal.workdays.add_working_days: the N-th working day after a date (shared/CONTRACT.md)."""

import datetime

import pytest

from portal.models import CalendarDay
from portal.workdays import add_working_days, is_working_day, working_days_between

D = datetime.date


def test_a_friday_plus_one_working_day_is_the_next_monday(db):
    assert add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)


def test_zero_days_is_the_start_itself(db):
    assert add_working_days(D(2026, 3, 7), 0) == D(2026, 3, 7)


def test_negative_days_are_refused(db):
    with pytest.raises(ValueError):
        add_working_days(D(2026, 3, 6), -1)


def test_seven_working_days_skip_the_weekend_between(db):
    # Mon 2/3/2026 + 7 working days: 3,4,5,6 | 9,10,11 → Wed 11/3/2026.
    assert add_working_days(D(2026, 3, 2), 7) == D(2026, 3, 11)


def test_tet_holidays_are_not_working_days(db):
    # Tết 2026: Mon 16/2 to Fri 20/2 are public holidays.
    assert add_working_days(D(2026, 2, 12), 2) == D(2026, 2, 23)
    assert not is_working_day(D(2026, 2, 17))


def test_a_substituted_day_off_is_skipped_and_the_swapped_saturday_is_worked(db):
    # 2025: 30/4 and 1/5 are holidays; Fri 2/5 was given off in exchange for Sat 26/4.
    assert add_working_days(D(2025, 4, 29), 1) == D(2025, 5, 5)
    assert add_working_days(D(2025, 4, 25), 1) == D(2025, 4, 26)


def test_an_admin_entered_make_up_working_day_counts(db):
    CalendarDay.objects.create(
        date=D(2026, 3, 7), kind=CalendarDay.Kind.WORKING_DAY, name="Làm bù cho ngày 2/9"
    )
    assert add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 7)


def test_an_admin_entered_day_off_is_skipped(db):
    CalendarDay.objects.create(date=D(2026, 3, 9), kind=CalendarDay.Kind.DAY_OFF, name="Nghỉ bù")
    assert add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 10)


def test_an_admin_entry_overrides_the_national_calendar(db):
    CalendarDay.objects.create(date=D(2026, 2, 16), kind=CalendarDay.Kind.WORKING_DAY, name="Trực Tết")
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 16)


def test_working_days_between_counts_both_ways(db):
    assert working_days_between(D(2026, 3, 6), D(2026, 3, 11)) == 3
    assert working_days_between(D(2026, 3, 11), D(2026, 3, 6)) == -3


def test_long_counts_cross_many_corrections_windows(db):
    # 250 working days is about a year; crossing Tết and every holiday must still land on a weekday.
    result = add_working_days(D(2026, 1, 2), 250)
    assert is_working_day(result)
    assert working_days_between(D(2026, 1, 2), result) == 250
