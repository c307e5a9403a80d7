"""What changed since the last contact, and which sections are stale.

Both work on the flat representation (section id -> field id -> value) so they can
compare any two snapshots the store hands over: the assessment at the last contact
and now, or a draft and the saved version.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from app.domain.assessment.fields import SectionDef, Value

Sections = Mapping[str, Mapping[str, Value]]


@dataclass(frozen=True)
class FieldChange:
    section: str
    field: str
    old: Value
    new: Value

    @property
    def kind(self) -> str:
        """``added`` (first answer), ``removed`` (answer cleared) or ``changed``."""
        if self.old is None:
            return "added"
        return "removed" if self.new is None else "changed"


def _blank_to_none(value: Value) -> Value:
    # An emptied text box and a never-answered field mean the same: no answer.
    return None if isinstance(value, str) and not value.strip() else value


def diff_sections(
    old: Sections, new: Sections, *, sections: Iterable[SectionDef] | None = None
) -> tuple[FieldChange, ...]:
    """Every field whose value differs, in form order when ``sections`` is given."""
    order = _field_order(old, new, sections)
    changes = []
    for section_id, field_id in order:
        before = _blank_to_none(old.get(section_id, {}).get(field_id))
        after = _blank_to_none(new.get(section_id, {}).get(field_id))
        if before != after or type(before) is not type(after):
            changes.append(FieldChange(section_id, field_id, before, after))
    return tuple(changes)


def _field_order(
    old: Sections, new: Sections, sections: Iterable[SectionDef] | None
) -> list[tuple[str, str]]:
    seen: dict[tuple[str, str], None] = {}
    for section in sections or ():
        for field_id in section.field_ids:
            seen[(section.id, field_id)] = None
    for snapshot in (old, new):
        for section_id in sorted(snapshot):
            for field_id in sorted(snapshot[section_id]):
                seen.setdefault((section_id, field_id), None)
    return list(seen)


def stale_sections(
    confirmed_at_by_section: Mapping[str, date | datetime | None],
    today: date,
    max_age_days: int,
    *,
    section_ids: Iterable[str] | None = None,
) -> list[str]:
    """Sections last confirmed more than ``max_age_days`` ago, or never confirmed.

    With ``section_ids`` (the form's sections, in order) a section missing from the
    mapping counts as never confirmed; without it only the mapping's sections are judged.
    """
    if max_age_days < 0:
        raise ValueError("max_age_days cannot be negative")
    wanted = list(section_ids) if section_ids is not None else sorted(confirmed_at_by_section)
    stale = []
    for section_id in wanted:
        confirmed = confirmed_at_by_section.get(section_id)
        if confirmed is None:
            stale.append(section_id)
            continue
        day = confirmed.date() if isinstance(confirmed, datetime) else confirmed
        if (today - day).days > max_age_days:
            stale.append(section_id)
    return stale
