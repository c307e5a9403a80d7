"""Working days for chasing: a chase that falls on a weekend or bank holiday waits.

The domain cannot read the bank-holiday calendar (it lives in sync.protocol.working_days,
shared with the server), so the caller passes the holidays in TaskSettings; weekends are
known here.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

_SATURDAY = 5


def is_working_day(day: date, holidays: Collection[date] = ()) -> bool:
    return day.weekday() < _SATURDAY and day not in holidays


def working_day_on_or_after(day: date, holidays: Collection[date] = ()) -> date:
    while not is_working_day(day, holidays):
        day += timedelta(days=1)
    return day


def next_working_day(day: date, holidays: Collection[date] = ()) -> date:
    """The first working day after `day`: the day after a Friday is the Monday."""
    return working_day_on_or_after(day + timedelta(days=1), holidays)
