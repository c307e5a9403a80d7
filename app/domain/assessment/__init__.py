"""The single living assessment: definitions, validation, triage, changes and risk.

Import from here; the submodules are an implementation detail.
"""

from app.domain.assessment.changes import FieldChange, diff_sections, stale_sections
from app.domain.assessment.fields import FieldDef, FieldKind, SectionDef, Value
from app.domain.assessment.risk import RISK_AREAS, RiskSummary, risk_summary
from app.domain.assessment.schema import (
    AssessmentSchema,
    TriageField,
    load_assessment_schema,
    missing_triage_answers,
    missing_value_sets,
    missing_young_safeguarding,
    triage_fields,
)
from app.domain.assessment.sections import NO_SECOND_DRUG, NO_THIRD_DRUG, SECTIONS
from app.domain.assessment.validation import check_field, coerce_field, validate_section

__all__ = [
    "NO_SECOND_DRUG",
    "NO_THIRD_DRUG",
    "RISK_AREAS",
    "SECTIONS",
    "AssessmentSchema",
    "FieldChange",
    "FieldDef",
    "FieldKind",
    "RiskSummary",
    "SectionDef",
    "TriageField",
    "Value",
    "check_field",
    "coerce_field",
    "diff_sections",
    "load_assessment_schema",
    "missing_triage_answers",
    "missing_value_sets",
    "missing_young_safeguarding",
    "risk_summary",
    "stale_sections",
    "triage_fields",
    "validate_section",
]
