from datetime import date

import pytest

from boards.workdays import add_working_days, is_working_day, working_days_between

NAURYZ_2026 = {date(2026, 3, d) for d in (21, 22, 23, 24, 25)}


def test_weekends_are_not_working_days():
    assert is_working_day(date(2026, 11, 27), set())  # Friday
    assert not is_working_day(date(2026, 11, 28), set())  # Saturday
    assert not is_working_day(date(2026, 11, 29), set())  # Sunday


def test_a_holiday_on_a_weekday_is_not_a_working_day():
    assert not is_working_day(date(2026, 12, 16), {date(2026, 12, 16)})


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2026, 11, 23), 0, date(2026, 11, 23)),  # Monday, nothing to add
        (date(2026, 11, 23), 1, date(2026, 11, 24)),  # Monday -> Tuesday
        (date(2026, 11, 27), 1, date(2026, 11, 30)),  # Friday -> Monday, weekend skipped
        (date(2026, 11, 28), 1, date(2026, 11, 30)),  # submitted on Saturday -> Monday
        (date(2026, 11, 23), 10, date(2026, 12, 7)),  # two full weeks
    ],
)
def test_add_working_days_skips_weekends(start, days, due):
    assert add_working_days(start, days, set()) == due


def test_add_working_days_skips_holidays_and_their_moved_days_off():
    # Friday 20 March 2026 + 1 working day: the weekend and Nauryz (21-25 March) are skipped.
    assert add_working_days(date(2026, 3, 20), 1, NAURYZ_2026) == date(2026, 3, 26)
    # Ten working days from 16 March cross Nauryz: due on 2 April instead of 30 March.
    assert add_working_days(date(2026, 3, 16), 10, set()) == date(2026, 3, 30)
    assert add_working_days(date(2026, 3, 16), 10, NAURYZ_2026) == date(2026, 4, 2)


def test_add_working_days_refuses_negative_days():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 1, 5), -1, set())


@pytest.mark.parametrize(
    ("start", "end", "holidays", "expected"),
    [
        (date(2026, 11, 23), date(2026, 11, 23), set(), 0),
        (date(2026, 11, 23), date(2026, 11, 20), set(), 0),
        (date(2026, 11, 27), date(2026, 11, 30), set(), 1),  # Friday -> Monday
        (date(2026, 11, 23), date(2026, 12, 7), set(), 10),
        (date(2026, 12, 14), date(2026, 12, 18), {date(2026, 12, 16)}, 3),
        (date(2026, 3, 20), date(2026, 3, 26), NAURYZ_2026, 1),
    ],
)
def test_working_days_between(start, end, holidays, expected):
    assert working_days_between(start, end, holidays) == expected


def test_the_two_functions_agree():
    for days in range(30):
        due = add_working_days(date(2026, 3, 2), days, NAURYZ_2026)
        assert working_days_between(date(2026, 3, 2), due, NAURYZ_2026) == days
