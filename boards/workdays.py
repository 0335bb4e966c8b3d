"""Working-day arithmetic for the response window: weekends and public holidays are skipped."""

from collections.abc import Collection
from datetime import date, timedelta


def is_working_day(day: date, holidays: Collection[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, days: int, holidays: Collection[date]) -> date:
    """The date `days` working days after `start` (`start` itself does not count).

    A proposal submitted on Friday evening with a 1-day window is due on Monday, or on the
    first working day after Monday if Monday is a holiday.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current, holidays):
            remaining -= 1
    return current


def working_days_between(start: date, end: date, holidays: Collection[date]) -> int:
    """Working days after `start` up to and including `end`; 0 when `end` is not after `start`."""
    if end <= start:
        return 0
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current, holidays):
            count += 1
    return count
