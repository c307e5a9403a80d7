"""What an assessment field and section are: plain definitions, no values.

Values live elsewhere as a flat dict per section (field id -> value) so that two
workers' edits merge field by field. A value is a JSON scalar: a choice is its code,
a date is ISO ``yyyy-mm-dd`` text, an int is an int, a bool a bool, and None means
"not answered yet".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

Value = str | int | bool | None


class FieldKind(StrEnum):
    CHOICE = "choice"
    INT = "int"
    TEXT = "text"
    DATE = "date"
    BOOL = "bool"


@dataclass(frozen=True)
class FieldDef:
    id: str
    label: str
    kind: FieldKind
    value_set: str | None = None  # choice fields: id of a file in resources/valuesets
    min_value: int | None = None
    max_value: int | None = None
    # Codes outside the range that still mean something, e.g. NDTMS 98 = declined.
    special_values: tuple[tuple[int, str], ...] = ()
    required_in_triage: bool = False
    help: str = ""
    # Asked, and required, in the custody triage of someone under 18 (the young people's
    # pathway): their safeguarding comes before anything is saved.
    required_for_young: bool = False
    # Kept, never asked again: what it held is now derived from elsewhere (the journey's
    # events) and the old answers are read from there (app.domain.journey.from_assessment).
    retired: bool = False
    max_length: int = 4000  # text: long enough for a story, short enough to print


@dataclass(frozen=True)
class SectionDef:
    id: str
    title: str
    fields: tuple[FieldDef, ...]
    young_only: bool = False  # shown only on the record of someone under 18

    def field(self, field_id: str) -> FieldDef:
        for field_def in self.fields:
            if field_def.id == field_id:
                return field_def
        raise KeyError(f"{self.id} has no field {field_id}")

    @property
    def field_ids(self) -> tuple[str, ...]:
        return tuple(field_def.id for field_def in self.fields)


def choice(field_id: str, label: str, value_set: str, *, triage: bool = False,
           young: bool = False, help: str = "", retired: bool = False) -> FieldDef:
    return FieldDef(field_id, label, FieldKind.CHOICE, value_set=value_set,
                    required_in_triage=triage, help=help, required_for_young=young,
                    retired=retired)


def number(field_id: str, label: str, low: int, high: int, *, triage: bool = False,
           special: tuple[tuple[int, str], ...] = (), help: str = "") -> FieldDef:
    return FieldDef(field_id, label, FieldKind.INT, min_value=low, max_value=high,
                    special_values=special, required_in_triage=triage, help=help)


def text(field_id: str, label: str, *, help: str = "", retired: bool = False) -> FieldDef:
    return FieldDef(field_id, label, FieldKind.TEXT, help=help, retired=retired)


def when(field_id: str, label: str, *, help: str = "", retired: bool = False) -> FieldDef:
    return FieldDef(field_id, label, FieldKind.DATE, help=help, retired=retired)


def flag(field_id: str, label: str, *, triage: bool = False, help: str = "",
         retired: bool = False) -> FieldDef:
    return FieldDef(field_id, label, FieldKind.BOOL, required_in_triage=triage, help=help,
                    retired=retired)
