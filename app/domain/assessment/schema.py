"""The assessment definition bound to its value sets, and the custody triage subset."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from app.domain.assessment.fields import FieldDef, FieldKind, SectionDef, Value
from app.domain.assessment.sections import SECTIONS
from app.domain.valuesets import ValueSet, ValueSetError, load_value_sets


@dataclass(frozen=True)
class TriageField:
    section: SectionDef
    field: FieldDef


@dataclass(frozen=True)
class AssessmentSchema:
    sections: tuple[SectionDef, ...]
    value_sets: Mapping[str, ValueSet]

    def section(self, section_id: str) -> SectionDef:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(f"no assessment section {section_id}")

    @property
    def section_ids(self) -> tuple[str, ...]:
        return tuple(section.id for section in self.sections)

    def triage(self, *, young: bool = False) -> tuple[TriageField, ...]:
        """The triage's questions; for someone under 18, their safeguarding ones too."""
        return triage_fields(self.sections, young=young)

    def sections_for(self, *, young: bool) -> tuple[SectionDef, ...]:
        """The record's sections: the young person's safeguarding only for under-18s."""
        return tuple(s for s in self.sections if young or not s.young_only)

    def section_ids_for(self, *, young: bool) -> tuple[str, ...]:
        return tuple(s.id for s in self.sections_for(young=young))


def missing_value_sets(
    sections: tuple[SectionDef, ...], value_sets: Mapping[str, ValueSet]
) -> list[str]:
    """``section.field -> value_set`` for every choice field whose value set is not loaded."""
    return [
        f"{section.id}.{field.id} -> {field.value_set}"
        for section in sections
        for field in section.fields
        if field.kind is FieldKind.CHOICE and field.value_set not in value_sets
    ]


def load_assessment_schema(
    resources_dir: Path, sections: tuple[SectionDef, ...] = SECTIONS
) -> AssessmentSchema:
    """Load value sets from ``resources_dir`` and check every choice field has its set."""
    value_sets = load_value_sets(resources_dir)
    missing = missing_value_sets(sections, value_sets)
    if missing:
        raise ValueSetError("assessment fields without a value set: " + ", ".join(missing))
    return AssessmentSchema(sections, value_sets)


def triage_fields(sections: tuple[SectionDef, ...] = SECTIONS, *, young: bool = False
                  ) -> tuple[TriageField, ...]:
    """The custody triage essentials, in form order (Tab order for the keyboard-only view)."""
    return tuple(
        TriageField(section, field)
        for section in sections
        for field in section.fields
        if field.required_in_triage or (young and field.required_for_young)
    )


def missing_young_safeguarding(
    values_by_section: Mapping[str, Mapping[str, Value]],
    sections: tuple[SectionDef, ...] = SECTIONS,
) -> tuple[TriageField, ...]:
    """The under-18 safeguarding questions not answered: a triage waits for all of them."""
    return tuple(
        TriageField(section, field) for section in sections for field in section.fields
        if field.required_for_young
        and values_by_section.get(section.id, {}).get(field.id) in (None, ""))


def missing_triage_answers(
    values_by_section: Mapping[str, Mapping[str, Value]],
    sections: tuple[SectionDef, ...] = SECTIONS,
) -> tuple[TriageField, ...]:
    """Triage essentials not answered yet (None or blank), so the view can say what is left."""
    return tuple(
        item for item in triage_fields(sections)
        if values_by_section.get(item.section.id, {}).get(item.field.id) in (None, "")
    )
