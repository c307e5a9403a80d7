"""Validators for the identifiers a person carries: PNC ID, prison number, NHS number.

Each ``normalise_*`` function takes what a worker typed and returns one canonical
spelling (so equal identifiers compare equal and duplicate matching works), or
raises an ``InvalidValue`` subclass whose message says what is wrong and how to
fix it. Date validators live in ``app.domain.dates`` and are re-exported here so
callers have one place to look.
"""

from __future__ import annotations

import re
from datetime import date

from app.domain.dates import age_on, is_young_person, parse_date, validate_date_of_birth
from app.domain.errors import InvalidNhsNumber, InvalidPncId, InvalidPrisonNumber

__all__ = [
    "PNC_CHECK_LETTERS",
    "age_on",
    "format_nhs_number",
    "is_young_person",
    "nhs_check_digit",
    "normalise_nhs_number",
    "normalise_pnc_id",
    "normalise_prison_number",
    "parse_date",
    "pnc_check_letter",
    "validate_date_of_birth",
]

# I, O and S are left out so they cannot be confused with 1, 0 and 5; index 0 is Z.
PNC_CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"
EARLIEST_PNC_YEAR = 1900

_PNC = re.compile(r"^(\d{4})/?(\d{1,7})([A-Z])$")
_PNC_SHORT_YEAR = re.compile(r"^\d{2}/\d{1,7}[A-Z]$")
_PNC_EXAMPLE = "A PNC ID looks like 2019/0012345G: four-digit year, slash, serial, check letter."


def pnc_check_letter(year: int, serial: int) -> str:
    """The check letter: last two digits of the year then the 7-digit serial, mod 23."""
    return PNC_CHECK_LETTERS[int(f"{year % 100:02d}{serial:07d}") % 23]


def normalise_pnc_id(raw: str, *, today: date | None = None) -> str:
    """Return ``YYYY/NNNNNNNC`` (slash added, serial zero-padded) or raise InvalidPncId."""
    text = re.sub(r"\s+", "", raw).upper()
    if not text:
        raise InvalidPncId("The PNC ID is empty.", _PNC_EXAMPLE, field="pnc_id")
    if _PNC_SHORT_YEAR.match(text):
        raise InvalidPncId(
            f"'{raw.strip()}' has a two-digit year.",
            "Type the year in full, for example 2019/0012345G rather than 19/12345G.",
            field="pnc_id",
        )
    match = _PNC.match(text)
    if not match:
        raise InvalidPncId(f"'{raw.strip()}' is not in PNC ID format.", _PNC_EXAMPLE,
                           field="pnc_id")
    year, serial, letter = int(match[1]), int(match[2]), match[3]
    latest = today.year if today else 2100
    if not EARLIEST_PNC_YEAR <= year <= latest:
        raise InvalidPncId(
            f"The year {year} in PNC ID '{raw.strip()}' is not possible.",
            f"PNC years run from {EARLIEST_PNC_YEAR} to {latest}; check the first four digits.",
            field="pnc_id",
        )
    expected = pnc_check_letter(year, serial)
    if letter != expected:
        raise InvalidPncId(
            f"The check letter of PNC ID {year}/{serial:07d}{letter} does not match its "
            f"digits (they give {expected}).",
            "A digit or the letter was probably mistyped: compare it with the custody record.",
            field="pnc_id",
        )
    return f"{year}/{serial:07d}{letter}"


_PRISON = re.compile(r"^[A-Z]\d{4}[A-Z]{2}$")


def normalise_prison_number(raw: str) -> str:
    """Return a NOMIS prison number such as ``A1234BC`` in upper case, or raise."""
    text = re.sub(r"\s+", "", raw).upper()
    if _PRISON.match(text):
        return text
    fix = "A prison number is one letter, four digits, two letters, for example A1234BC."
    if len(text) == 7 and re.match(r"^[A-Z][0-9OIL]{4}[A-Z]{2}$", text):
        fix += " The middle four must be digits: type zero, not the letter O."
    shown = raw.strip() or "(empty)"
    raise InvalidPrisonNumber(f"'{shown}' is not a prison number.", fix,
                              field="prison_number")


def nhs_check_digit(first_nine: str) -> int | None:
    """Modulus-11 check digit for nine digits (weights 10..2); None when it would be 10."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1),
                                                             strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def normalise_nhs_number(raw: str) -> str:
    """Return the ten digits of a valid NHS number (spaces and dashes dropped), or raise."""
    digits = re.sub(r"[\s\-]", "", raw)
    shown = raw.strip() or "(empty)"
    if not re.fullmatch(r"\d{10}", digits):
        raise InvalidNhsNumber(
            f"'{shown}' is not an NHS number.",
            "An NHS number is 10 digits, for example 943 476 5919.",
            field="nhs_number",
        )
    if len(set(digits)) == 1:
        raise InvalidNhsNumber(
            f"'{shown}' is a placeholder, not a real NHS number.",
            "Leave it blank if the person does not know it.",
            field="nhs_number",
        )
    expected = nhs_check_digit(digits[:9])
    if expected is None or expected != int(digits[9]):
        raise InvalidNhsNumber(
            f"NHS number {format_nhs_number(digits)} fails its check digit.",
            "One digit is probably mistyped or two are swapped: check it against the "
            "letter or card it came from.",
            field="nhs_number",
        )
    return digits


def format_nhs_number(digits: str) -> str:
    """Show ten digits the way the NHS prints them: 3-3-4, for example 943 476 5919."""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
