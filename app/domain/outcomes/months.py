"""Calendar months and quarters: reviews fall every three months, windows run in months."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later (or earlier); the 31st clamps to the
    month's last day, so a review after 30 Nov + 3 months is 28/29 Feb, not 2 March."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def month_of(day: date) -> str:
    """A date coarsened to its month, as YYYY-MM: what extracts carry instead of a day."""
    return f"{day.year:04d}-{day.month:02d}"


@dataclass(frozen=True)
class Quarter:
    """A reporting period, both days included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("A quarter cannot end before it starts.")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def overlaps(self, start: date, end: date | None) -> bool:
        """Whether a span (end None: still running) touches any day of the quarter."""
        return start <= self.end and (end is None or end >= self.start)
