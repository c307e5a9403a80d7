"""Checking assessment values: one field as typed, one stored value, and a whole section.

Messages follow the same rule as the identifier validators: what is wrong, then how
to fix it, in words a worker can act on. ``validate_section`` never throws on bad
input; it returns every problem at once so the form can mark them all inline and
keep everything that was typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from app.domain.assessment.fields import FieldDef, FieldKind, SectionDef, Value
from app.domain.assessment.rules import CROSS_FIELD_RULES
from app.domain.dates import parse_date
from app.domain.errors import InvalidDate, InvalidValue
from app.domain.valuesets import ValueSet

_YES = {"y", "yes", "true", "1"}
_NO = {"n", "no", "false", "0"}


def coerce_field(field: FieldDef, typed: str, value_sets: Mapping[str, ValueSet]) -> Value:
    """Turn what was typed into the stored value (code, int, ISO date...); raise InvalidValue."""
    raw = typed.strip()
    if not raw:
        return None
    if field.kind is FieldKind.INT:
        try:
            value: Value = int(raw)
        except ValueError:
            raise _invalid(field, f"'{raw}' is not a whole number.", _range_hint(field)) from None
    elif field.kind is FieldKind.DATE:
        try:
            value = parse_date(raw, field=field.label).isoformat()
        except InvalidDate as error:
            raise _invalid(field, error.problem, error.fix) from None
    elif field.kind is FieldKind.BOOL:
        if raw.lower() not in _YES | _NO:
            raise _invalid(field, f"'{raw}' is not yes or no.", "Type Y or N.")
        value = raw.lower() in _YES
    elif field.kind is FieldKind.CHOICE:
        value = _choice_code(field, raw, value_sets)
    else:
        value = raw
    problem = check_field(field, value, value_sets)
    if problem:
        raise _invalid(field, problem, "")
    return value


def _choice_code(field: FieldDef, raw: str, value_sets: Mapping[str, ValueSet]) -> str:
    options = value_sets[field.value_set or ""]
    for item in options:
        if raw.lower() in (item.code.lower(), item.label.lower()):
            return item.code
    raise _invalid(field, f"'{raw}' is not one of the choices for {field.label}.",
                   "Pick one from the list.")


def check_field(field: FieldDef, value: Value, value_sets: Mapping[str, ValueSet]) -> str | None:
    """A message if a stored value is wrong for its field, None if it is fine or unanswered."""
    if value is None:
        return None
    if field.kind is FieldKind.INT:
        return _check_int(field, value)
    if field.kind is FieldKind.CHOICE:
        options = value_sets.get(field.value_set or "")
        if options is None or not isinstance(value, str) or value not in options:
            return f"'{value}' is not one of the choices for {field.label}. Pick one from the list."
        return None
    if field.kind is FieldKind.BOOL:
        return None if isinstance(value, bool) else f"{field.label} must be yes or no."
    if field.kind is FieldKind.DATE:
        return _check_iso_date(field, value)
    if not isinstance(value, str):
        return f"{field.label} must be text."
    if len(value) > field.max_length:
        return (f"{field.label} is {len(value)} characters long; the limit is "
                f"{field.max_length}. Shorten it or move detail to a case note.")
    return None


def _check_int(field: FieldDef, value: Value) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return f"{field.label} must be a whole number. {_range_hint(field)}"
    if value in dict(field.special_values):
        return None
    low, high = field.min_value, field.max_value
    if (low is not None and value < low) or (high is not None and value > high):
        return f"{field.label} cannot be {value}. {_range_hint(field)}"
    return None


def _check_iso_date(field: FieldDef, value: Value) -> str | None:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return f"{field.label} is not a date. Type it as dd/mm/yyyy."
    return None


def _range_hint(field: FieldDef) -> str:
    hint = f"Type a number from {field.min_value} to {field.max_value}"
    specials = "; ".join(f"{code} if {label.lower()}" for code, label in field.special_values)
    return f"{hint}, or {specials}." if specials else f"{hint}."


def _invalid(field: FieldDef, problem: str, fix: str) -> InvalidValue:
    return InvalidValue(problem, fix, field=field.id)


def validate_section(
    section: SectionDef,
    values: Mapping[str, Value],
    value_sets: Mapping[str, ValueSet],
    *,
    person_age: int | None = None,
    today: date | None = None,
) -> dict[str, str]:
    """Every problem in a section's values, as field id -> message; empty when all is well."""
    problems: dict[str, str] = {}
    known = set(section.field_ids)
    for field_id in values:
        if field_id not in known:
            problems[field_id] = f"'{field_id}' is not a field of {section.title}."
    for field in section.fields:
        message = check_field(field, values.get(field.id), value_sets)
        if message:
            problems[field.id] = message
    for rule in CROSS_FIELD_RULES.get(section.id, ()):
        for field_id, message in rule(values, person_age, today):
            problems.setdefault(field_id, message)
    return problems
