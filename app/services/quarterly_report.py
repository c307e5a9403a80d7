"""The quarterly evaluation report for the team's own people, made on the laptop.

The same report the server makes (app.domain.outcomes.report, printed by
app.printing.quarterly_report_pdf) from the laptop's cohort, signed with this laptop's
certificate as a care plan is, saved where the lead chose, and audited. The audit entry
names the quarter and nobody: the report counts people, it names none.

The pseudonymised CSV extracts for the external evaluator are not made here: their keyed
pseudonyms need the key only the server holds (`python -m sync.server report …`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.config import RESOURCES_DIR
from app.domain.audit import AuditAction
from app.domain.outcomes.months import Quarter
from app.domain.outcomes.report import quarter_code, quarterly_report
from app.domain.printable import ServiceHeader
from app.printing.quarterly_report_pdf import build_quarterly_report_pdf
from app.services import signing
from app.services.dashboard import read_cohort
from app.services.handover import my_team
from app.services.session import WorkerSession

DOCUMENT = "quarterly_report"


def suggested_name(quarter: Quarter) -> str:
    return f"quarterly-report-{quarter_code(quarter)}.pdf"


def save_report(*, session: WorkerSession, quarter: Quarter, path: Path,
                today: date | None = None) -> Path:
    """Build, sign and write the team's report for `quarter` to `path`; one EXPORT entry
    in the audit trail, in the same transaction (no file, no entry)."""
    today = today or date.today()
    cohort = read_cohort(session=session, today=today)  # refuses anyone but a team lead
    team = my_team(session=session)
    report = quarterly_report(cohort, quarter, scope_name=team.name if team else "This team",
                              generated_on=today, generated_by=session.worker.full_name,
                              header=ServiceHeader.load(RESOURCES_DIR))
    code = quarter_code(quarter)
    unsigned = build_quarterly_report_pdf(report)
    path = Path(path)
    with session.transaction() as db:
        data = signing.sign_pdf(db, session.device_id, unsigned,
                                reason=f"InsideOut quarterly evaluation {code}")
        path.write_bytes(data)
        session.audit(db, AuditAction.EXPORT, record_type=DOCUMENT, record_id=code,
                      detail={"document": DOCUMENT, "quarter": code, "scope": "team",
                              "generated": True})
    return path
