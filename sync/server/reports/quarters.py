"""Calendar quarters as the report names them ("2026Q3"), for code that must not load the
report's PDF and signing libraries just to read a quarter (the console's pages)."""

from __future__ import annotations

from datetime import date

from app.domain.outcomes.months import Quarter, add_months
from app.domain.outcomes.report import NotAQuarter, parse_quarter, quarter_code, quarter_label

__all__ = ["NotAQuarter", "Quarter", "last_complete_quarter", "parse_quarter", "quarter_code",
           "quarter_label", "recent_quarters"]


def last_complete_quarter(today: date) -> Quarter:
    """The calendar quarter before the one `today` falls in."""
    start = add_months(date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), -3)
    return parse_quarter(f"{start.year}Q{(start.month - 1) // 3 + 1}")


def recent_quarters(today: date, count: int = 8) -> list[str]:
    """The last `count` complete quarters, newest first, as codes ("2026Q3", "2026Q2"…)."""
    newest = last_complete_quarter(today).start
    return [quarter_code(parse_quarter(f"{d.year}Q{(d.month - 1) // 3 + 1}"))
            for d in (add_months(newest, -3 * n) for n in range(count))]
