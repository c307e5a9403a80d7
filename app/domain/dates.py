"""Reading dates the way UK workers type them, and the age rules built on them.

Workers type dd/mm/yyyy; other systems hand us ISO yyyy-mm-dd. We never guess a
century: a two-digit year is refused, because 03/04/25 could be 1925 or 2025 and
a wrong date of birth breaks duplicate matching and the under-18 pathway.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from app.domain.errors import InvalidDate

YOUNG_PERSON_AGE_LIMIT = 18  # under 18 -> young people's pathway
OLDEST_PLAUSIBLE_AGE = 120

_UK = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d+)$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_EXAMPLE = "Type it as dd/mm/yyyy, for example 07/03/1986."


def parse_date(text: str, *, field: str = "date") -> date:
    """Read ``dd/mm/yyyy`` (also with - or .) or ISO ``yyyy-mm-dd``; raise InvalidDate if not."""
    cleaned = text.strip()
    if not cleaned:
        raise InvalidDate(f"The {field} is empty.", _EXAMPLE, field=field)
    iso = _ISO.match(cleaned)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
        return _real_date(year, month, day, cleaned, field)
    uk = _UK.match(cleaned)
    if not uk:
        raise InvalidDate(f"'{cleaned}' is not a date we can read.", _EXAMPLE, field=field)
    day_text, month_text, year_text = uk.groups()
    if len(year_text) != 4:
        raise InvalidDate(
            f"The year in '{cleaned}' has {len(year_text)} digits.",
            "Type the year in full (for example 1986, not 86) so it cannot be read "
            "as the wrong century.",
            field=field,
        )
    return _real_date(int(year_text), int(month_text), int(day_text), cleaned, field)


def _real_date(year: int, month: int, day: int, typed: str, field: str) -> date:
    if not 1 <= month <= 12:
        raise InvalidDate(
            f"'{typed}' has month {month}; months run from 01 to 12.",
            "Check that day and month are not the wrong way round: dates are dd/mm/yyyy.",
            field=field,
        )
    if year < 1:
        raise InvalidDate(f"'{typed}' has year {year}.", _EXAMPLE, field=field)
    days_in_month = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days_in_month:
        raise InvalidDate(
            f"'{typed}' is not a real date: {calendar.month_name[month]} {year} "
            f"has {days_in_month} days.",
            "Check the day and the month.",
            field=field,
        )
    return date(year, month, day)


def age_on(date_of_birth: date, today: date) -> int:
    """Age in completed years on ``today`` (a birthday on 29 Feb counts from 1 Mar)."""
    had_birthday = (today.month, today.day) >= (date_of_birth.month, date_of_birth.day)
    return today.year - date_of_birth.year - (0 if had_birthday else 1)


def is_young_person(date_of_birth: date, today: date) -> bool:
    """True for anyone under 18: they belong to the young people's pathway."""
    return age_on(date_of_birth, today) < YOUNG_PERSON_AGE_LIMIT


def validate_date_of_birth(value: date | str, *, today: date) -> date:
    """A date of birth that is real, not in the future and not absurdly old."""
    dob = parse_date(value, field="date of birth") if isinstance(value, str) else value
    shown = dob.strftime("%d/%m/%Y")
    if dob > today:
        raise InvalidDate(
            f"Date of birth {shown} is in the future.",
            "Check the year, and that the date is typed as dd/mm/yyyy.",
            field="date of birth",
        )
    age = age_on(dob, today)
    if age > OLDEST_PLAUSIBLE_AGE:
        raise InvalidDate(
            f"Date of birth {shown} would make this person {age} years old.",
            "Check the year of birth.",
            field="date of birth",
        )
    return dob
