"""The report's files: CSV text for each extract, written privately into the folder asked.

Rows are sorted by pseudonym, never left in the order the database holds them (which
follows when each record was made). Files are written 0600 through a temporary name and
renamed into place, so a reader never sees half a file.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from app.domain.outcomes.cohort import CohortPerson
from app.domain.outcomes.extract import (
    EPISODE_COLUMNS,
    FORM_COLUMNS,
    PERSON_COLUMNS,
    Row,
    episode_rows,
    form_rows,
    person_row,
)
from app.domain.outcomes.months import Quarter
from app.domain.outcomes.ndtms import FIELDS as NDTMS_FIELDS
from app.domain.outcomes.ndtms import ndtms_rows
from app.domain.outcomes.report import QuarterlyReport, quarter_code


def csv_text(columns: Sequence[str], rows: Iterable[Row]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row[c] for c in columns])
    return out.getvalue().encode("utf-8")


def figures_csv(report: QuarterlyReport) -> bytes:
    """Every published figure by its key, as the PDF shows it (suppressed)."""
    code = quarter_code(report.quarter)
    rows: list[Row] = [{"quarter": code, "scope": report.scope_name, "figure": key,
                        "value": cell.text}
                       for key, cell in sorted({**report.cells, "people": report.people}
                                               .items())]
    return csv_text(("quarter", "scope", "figure", "value"), rows)


def extracts(people: Sequence[CohortPerson], quarter: Quarter,
             key: bytes) -> Mapping[str, bytes]:
    """The evaluator's three files and the NDTMS episodes, for the people first seen by
    the quarter's end."""
    known = [p for p in people if p.first_contact_on <= quarter.end]
    persons = [person_row(p, key=key, quarter=quarter) for p in known]
    forms = [r for p in known for r in form_rows(p, key=key, quarter=quarter)]
    spans = [r for p in known for r in episode_rows(p, key=key, quarter=quarter)]
    national = [r for p in known for r in ndtms_rows(p, key=key, quarter=quarter)]
    return {
        "people.csv": csv_text(PERSON_COLUMNS, _sorted(persons, "pseudonym")),
        "forms.csv": csv_text(FORM_COLUMNS, _sorted(forms, "pseudonym", "month", "form")),
        "episodes.csv": csv_text(EPISODE_COLUMNS, _sorted(
            spans, "pseudonym", "referral_month", "triage_month", "discharge_month")),
        "ndtms-episodes.csv": csv_text(NDTMS_FIELDS, _sorted(
            national, "CLIENT_REF", "EPISODE", "MODST", "MODSET", "MODTYPE")),
    }


def _sorted(rows: list[Row], *columns: str) -> list[Row]:
    """By the columns named: a pseudonym's rows together, then in time order (the sort
    is stable, so a person's rows keep the order the domain gave them otherwise)."""
    return sorted(rows, key=lambda row: tuple(_order(row.get(c)) for c in columns))


def _order(value: object) -> tuple[int, str | int]:
    return (0, value) if isinstance(value, int) else (1, "" if value is None else str(value))


def write_private(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
