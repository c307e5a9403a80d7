"""Reference data every session needs: the assessment definition and its value sets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.domain.assessment import AssessmentSchema, load_assessment_schema


@dataclass(frozen=True)
class ReferenceData:
    schema: AssessmentSchema
    stale_section_days: int = 90

    @classmethod
    def load(cls, resources_dir: Path, *, stale_section_days: int = 90) -> ReferenceData:
        return cls(load_assessment_schema(resources_dir), stale_section_days)

    def label(self, value_set: str, code: str) -> str:
        options = self.schema.value_sets.get(value_set)
        return options.label_for(code) if options and code in options else code
