"""Generate a quarter's report on the server: the signed PDF, the published figures, the
evaluator's pseudonymised extract and the NDTMS episodes, into one folder, audited.

The audit event names who asked, for which quarter and scope, and which files were
written; never a person, a figure or a key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from app.domain.outcomes.months import Quarter
from app.domain.outcomes.report import (
    NotAQuarter,
    parse_quarter,
    quarter_code,
    quarter_label,
    quarterly_report,
)
from app.domain.printable import ServiceHeader
from app.printing.quarterly_report_pdf import build_quarterly_report_pdf
from sync.server.reports import parallel
from sync.server.reports.cohort import Scope, load_cohort
from sync.server.reports.files import extracts, figures_csv, write_private
from sync.server.reports.keys import pseudonym_key
from sync.server.reports.signing import sign_report
from sync.server.services import audit

__all__ = ["AUDIT_ACTION", "Asked", "Generated", "NotAQuarter", "generate", "parse_quarter",
           "quarter_code", "quarter_label"]
AUDIT_ACTION = "report.generated"
HEADER = ServiceHeader("InsideOut", ("Quarterly evaluation, from the records synced to the "
                                     "server",))


@dataclass(frozen=True)
class Asked:
    quarter: Quarter
    team_name: str | None  # None: the whole service
    out_dir: Path
    actor: str  # who, as the audit log names them ("cli:jo")
    generated_by: str = ""  # as the PDF names them; the actor if empty
    today: date | None = None  # the generation day (UTC today if None)


@dataclass(frozen=True)
class Generated:
    scope: Scope
    files: tuple[Path, ...]
    unreadable_rows: int  # rows the figures could not read (logged, never fatal)


def generate(session: Session, asked: Asked, *,
             parallel_from: int = parallel.PARALLEL_FROM) -> Generated:
    """Everything in memory first, then the audit event, then the files (0600)."""
    with parallel.no_cycle_collection():
        return _generate(session, asked, parallel_from)


def _generate(session: Session, asked: Asked, parallel_from: int) -> Generated:
    today = asked.today or datetime.now(UTC).date()
    scope = Scope.of(session, asked.team_name)
    key = pseudonym_key(session)
    cohort = load_cohort(session, scope, today=today)
    pending = parallel.started(lambda: extracts(cohort.people, asked.quarter, key),
                               people=len(cohort.people), parallel_from=parallel_from)
    report = quarterly_report(cohort.people, asked.quarter, scope_name=scope.name,
                              generated_on=today,
                              generated_by=asked.generated_by or asked.actor, header=HEADER)
    code = quarter_code(asked.quarter)
    signed = sign_report(session, build_quarterly_report_pdf(report),
                         reason=f"Quarterly evaluation {code} ({quarter_label(asked.quarter)}),"
                                f" {scope.name}")
    outputs = {"report.pdf": signed.pdf, "figures.csv": figures_csv(report), **pending()}
    stem = f"insideout-{code}-{_slug(scope.name)}"
    paths = tuple(asked.out_dir / f"{stem}-{name}" for name in outputs)
    audit.record(session, AUDIT_ACTION, actor=asked.actor, quarter=code, scope=scope.name,
                 team_id=scope.team_id, files=", ".join(p.name for p in paths),
                 signing_certificate=signed.serial)
    written: list[Path] = []
    try:
        asked.out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        for path, data in zip(paths, outputs.values(), strict=True):
            write_private(path, data)
            written.append(path)
    except OSError:
        for path in written:  # all the files or none, as the audit event (rolled back)
            path.unlink(missing_ok=True)
        raise
    return Generated(scope, paths, cohort.unreadable)


def _slug(name: str) -> str:
    """A team's name as part of a file name: 'Custody North' -> 'custody-north'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "team"
