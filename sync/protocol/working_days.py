"""Working days in England and Wales: weekends and bank holidays are not working days.

A handover must be accepted within two working days, and a team lead reading that flag on
a Tuesday after a bank-holiday Monday must not be told a Friday handover is late. Laptop
and server must agree on that deadline, so the calendar is part of the protocol. The
regular holidays follow fixed rules (with the "substitute day" when one falls at a
weekend); the one-off changes the government has made are listed, and a deployment can
add a day announced later without a new release (`extra`). Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache

SATURDAY = 5

# Days moved or added by proclamation: (year, the regular day it replaced or None, the day).
_ONE_OFF: tuple[tuple[int, date | None, date], ...] = (
    (2011, None, date(2011, 4, 29)),  # royal wedding
    (2012, date(2012, 5, 28), date(2012, 6, 4)),  # spring holiday moved
    (2012, None, date(2012, 6, 5)),  # diamond jubilee
    (2020, date(2020, 5, 4), date(2020, 5, 8)),  # early May moved to VE day
    (2022, date(2022, 5, 30), date(2022, 6, 2)),  # spring holiday moved
    (2022, None, date(2022, 6, 3)),  # platinum jubilee
    (2022, None, date(2022, 9, 19)),  # state funeral
    (2023, None, date(2023, 5, 8)),  # coronation
)


def easter_sunday(year: int) -> date:
    """The Gregorian Easter (the anonymous algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 - the algorithm's own name
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=last.weekday())


def _christmas(year: int) -> tuple[date, date]:
    """Christmas and Boxing Day, each moved to the next free weekday if at a weekend."""
    christmas, boxing = date(year, 12, 25), date(year, 12, 26)
    if christmas.weekday() == SATURDAY:
        return date(year, 12, 27), date(year, 12, 28)
    if christmas.weekday() == SATURDAY + 1:
        return date(year, 12, 27), boxing
    if boxing.weekday() == SATURDAY:
        return christmas, date(year, 12, 28)
    return christmas, boxing


def _new_year(year: int) -> date:
    day = date(year, 1, 1)
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= SATURDAY else day


@cache
def bank_holidays(year: int) -> frozenset[date]:
    easter = easter_sunday(year)
    days = {_new_year(year), easter - timedelta(days=2), easter + timedelta(days=1),
            _first_monday(year, 5), _last_monday(year, 5), _last_monday(year, 8),
            *_christmas(year)}
    for when, replaced, day in _ONE_OFF:
        if when != year:
            continue
        if replaced is not None:
            days.discard(replaced)
        days.add(day)
    return frozenset(days)


def is_working_day(day: date, extra: Iterable[date] = ()) -> bool:
    return day.weekday() < SATURDAY and day not in bank_holidays(day.year) and day not in set(
        extra)


def add_working_days(start: date, count: int, extra: Iterable[date] = ()) -> date:
    """The day `count` working days after `start` (the start itself is not counted)."""
    if count < 0:
        raise ValueError("count working days forwards only")
    holidays, day = frozenset(extra), start
    while count:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            count -= 1
    return day


def working_days_between(start: date, end: date, extra: Iterable[date] = ()) -> int:
    """Working days after `start` up to and including `end` (0 if end is not later)."""
    holidays = frozenset(extra)
    return sum(1 for offset in range(1, (end - start).days + 1)
               if is_working_day(start + timedelta(days=offset), holidays))


HANDOVER_WORKING_DAYS = 2  # a handover not accepted within these is flagged to both leads


def handover_accept_by(opened_on: date, extra: Iterable[date] = ()) -> date:
    """The last day a handover opened on `opened_on` may be accepted without a flag."""
    return add_working_days(opened_on, HANDOVER_WORKING_DAYS, extra)
