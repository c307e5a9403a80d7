"""Printed documents as signed PDF bytes, saving them, and checking a PDF someone hands you.

Everything stays in memory: the UI previews and prints from these bytes, and only a
save the worker asked for writes a file. Preview, print, save and verify are audited.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

from app.config import RESOURCES_DIR
from app.domain.assessment import FieldKind, Value, risk_summary
from app.domain.audit import AuditAction
from app.domain.careplan import CarePlanVersion, VersionStatus
from app.domain.journey.kinds import Kind
from app.domain.person import Person
from app.domain.printable import (
    PersonIdentifiers,
    PrintableAssessment,
    PrintableCarePlan,
    PrintedIntervention,
    PrintedSection,
    ServiceHeader,
    parse_marker,
)
from app.printing.assessment_pdf import build_assessment_pdf
from app.printing.careplan_pdf import build_care_plan_pdf
from app.services import signing
from app.services.careplan import catalogue
from app.services.errors import NotFound
from app.services.session import WorkerSession
from app.services.views import uk_date
from app.store.assessment_repo import AssessmentRepository
from app.store.careplan_repo import CarePlanRepository
from app.store.device import DbSession
from app.store.journey_repo import JourneyRepository
from app.store.people_repo import PeopleRepository


class Purpose(StrEnum):
    PREVIEW = "preview"  # shown on screen: audited as a view
    PRINT = "print"
    EXPORT = "export"  # saved to a file the worker chose


_AUDIT = {Purpose.PREVIEW: AuditAction.VIEW, Purpose.PRINT: AuditAction.PRINT,
          Purpose.EXPORT: AuditAction.EXPORT}


@dataclass(frozen=True)
class PdfDocument:
    kind: str  # 'care_plan' | 'assessment'
    person_id: str
    version_id: str
    title: str
    suggested_name: str
    data: bytes


def identifiers(person: Person) -> PersonIdentifiers:
    ids = person.identifiers
    return PersonIdentifiers(
        person.name.display(),
        person.date_of_birth.strftime("%d/%m/%Y") if person.date_of_birth else "",
        ids.pnc_id, ids.prison_number, ids.nhs_number, person.id)


def _printable_plan(db: DbSession, version: CarePlanVersion) -> PrintableCarePlan:
    known = catalogue()
    person = PeopleRepository(db).get(version.person_id)
    older = CarePlanRepository(db).get(version.supersedes_id) if version.supersedes_id else None
    items = tuple(PrintedIntervention(
        known.interventions.label_for(i.code), known.agencies.label_for(i.agency), i.owner,
        i.target_date.strftime("%d/%m/%Y") if i.target_date else "",
        str(i.status).capitalize(), i.notes) for i in version.content.interventions)
    review = version.content.review_date
    return PrintableCarePlan(
        header=ServiceHeader.load(RESOURCES_DIR), person=identifiers(person),
        version_id=version.id, version_number=version.number, status=str(version.status),
        created=f"{uk_date(version.created_at)} by {version.created_by}",
        goals=version.content.goals, interventions=items,
        review_date=review.strftime("%d/%m/%Y") if review else "",
        signatures=version.signatures, fingerprint=version.fingerprint,
        supersedes_number=older.number if older else None,
        consented_agencies=consented_agencies(person, date.today()))


def consented_agencies(person: Person, today: date) -> tuple[str, ...]:
    """The partner agencies the person has agreed to share with today, as printed."""
    known = catalogue().agencies
    found = []
    for record in person.consents:
        if record.is_active_on(today):
            how = f"{record.how}, " if record.how else ""
            found.append(f"{known.label_for(str(record.agency))} "
                         f"({how}given {record.given_on:%d/%m/%Y})")
    return tuple(sorted(found))


def care_plan_pdf(*, session: WorkerSession, version_id: str,
                  purpose: Purpose = Purpose.PREVIEW) -> PdfDocument:
    """The plan version as a PAdES-signed PDF, built and signed in memory."""
    with session.transaction() as db:
        try:
            version = CarePlanRepository(db).get(version_id)
        except KeyError:
            raise NotFound("That care plan version") from None
        plan = _printable_plan(db, version)
        data = signing.sign_pdf(db, session.device_id, build_care_plan_pdf(plan),
                                reason=f"InsideOut care plan version {version.number}")
        _audit(session, db, purpose, "care_plan", version.person_id, version.number)
    family = plan.person.name.split(",")[0].strip().title().replace(" ", "-")
    return PdfDocument("care_plan", version.person_id, version.id,
                       f"Care plan version {version.number} — {plan.person.name}",
                       f"care-plan-{family}-v{version.number}.pdf", data)


def _audit(session: WorkerSession, db: DbSession, purpose: Purpose, kind: str,
           person_id: str, number: int | None = None) -> None:
    audit_document(session, db, purpose, kind, person_id,
                   {"version": number} if number is not None else {})


def audit_document(session: WorkerSession, db: DbSession, purpose: Purpose, kind: str,
                   person_id: str, more: dict[str, object]) -> None:
    """A document shown, printed or saved: one audit entry, in the caller's transaction."""
    session.audit(db, _AUDIT[purpose], record_type=kind, record_id=person_id,
                  detail={"document": kind, **more})


def record_printed(*, session: WorkerSession, document: PdfDocument, pages: int) -> None:
    """The UI printed these bytes (after a preview): one PRINT entry in the audit trail."""
    with session.transaction() as db:
        session.audit(db, AuditAction.PRINT, record_type=document.kind,
                      record_id=document.person_id,
                      detail={"document": document.kind, "pages": pages})


def save_pdf(*, session: WorkerSession, document: PdfDocument, path: Path) -> Path:
    """Write to where the worker chose (the only time a PDF touches the disk)."""
    path = Path(path)
    path.write_bytes(document.data)
    with session.transaction() as db:
        session.audit(db, AuditAction.EXPORT, record_type=document.kind,
                      record_id=document.person_id,
                      detail={"document": document.kind, "file": path.name})
    return path


# ---- the assessment summary ----------------------------------------------------------
def _shown(kind: FieldKind, value: Value, labels: dict[str, str]) -> str:
    if kind is FieldKind.BOOL:
        return "Yes" if value else "No"
    if kind is FieldKind.DATE and isinstance(value, str):
        return uk_date(value)
    return labels.get(str(value), str(value))


def _sections(session: WorkerSession, repo: AssessmentRepository,
              person_id: str) -> tuple[PrintedSection, ...]:
    schema = session.reference.schema
    values, confirmed = repo.values(person_id), repo.confirmations(person_id)
    printed = []
    for section in schema.sections:
        answers = values.get(section.id, {})
        rows = tuple((f.label, _shown(f.kind, answers[f.id], {
            i.code: i.label for i in schema.value_sets.get(f.value_set or "", ())}))
            for f in section.fields if answers.get(f.id) not in (None, ""))
        c = confirmed.get(section.id)
        note = f"Confirmed {uk_date(c.at_utc)} by {c.by_name}" if c else "Never confirmed"
        printed.append(PrintedSection(section.title, note, rows))
    return tuple(printed)


def assessment_pdf(*, session: WorkerSession, person_id: str,
                   purpose: Purpose = Purpose.PREVIEW) -> PdfDocument:
    with session.transaction() as db:
        person = PeopleRepository(db).get(person_id)
        repo = AssessmentRepository(db)
        summary = PrintableAssessment(
            ServiceHeader.load(RESOURCES_DIR), identifiers(person),
            date.today().strftime("%d/%m/%Y"), session.worker.full_name,
            risk_summary(repo.values(person_id)).headline(), _sections(session, repo, person_id))
        data = signing.sign_pdf(db, session.device_id, build_assessment_pdf(summary),
                                reason="InsideOut assessment summary")
        _audit(session, db, purpose, "assessment", person_id)
    stamp = datetime.now().strftime("%Y%m%d")
    return PdfDocument("assessment", person_id, "", f"Assessment summary — {summary.person.name}",
                       f"assessment-{person.name.family.lower()}-{stamp}.pdf", data)


# ---- verifying a PDF -----------------------------------------------------------------
@dataclass(frozen=True)
class Verification:
    check: signing.SignatureCheck
    # What the PDF says it is: 'care-plan', 'ra-notice', 'handover', or '' (not ours). A
    # notice's version_id is its event and its fingerprint the notice's code (RA1..RA5).
    kind: str = ""
    record_id: str = ""
    version_id: str = ""
    version_number: int | None = None
    fingerprint: str = ""
    person_name: str = ""  # filled only when the record is on this device
    known: bool = False
    fingerprint_matches: bool = False
    current_number: int | None = None  # the latest signed version on this device
    store_checked: bool = False  # False: checked without signing in (integrity only)
    corrected: bool = False  # a notice the record has since corrected or withdrawn

    @property
    def is_current(self) -> bool:
        if self.kind == "ra-notice":
            return self.known and not self.corrected
        return self.known and self.current_number == self.version_number

    @property
    def ok(self) -> bool:
        return self.check.ok and (self.fingerprint_matches or not self.known)

    def headline(self) -> str:
        if not self.check.signed:
            return f"NOT VERIFIED: {self.check.problem}."
        if not self.check.intact:
            return f"NOT INTACT: {self.check.problem}. Do not rely on this copy."
        if self.known and not self.fingerprint_matches:
            return "NOT INTACT: the fingerprint differs from the signed record."
        return "Intact: this PDF is exactly as it was signed."

    def lines(self) -> list[str]:
        """What the verify screen and `main.py verify` say, one fact a line."""
        found = [self.headline()]
        if self.check.signed:
            trust = ("by a certificate this device trusts" if self.check.trusted
                     else f"by a laptop IT revoked at {self.check.revoked_at} UTC, after its "
                          "revocation: NOT TRUSTED" if self.check.revoked_at
                     else "by a certificate this device does not know" if self.store_checked
                     else "(trust not checked: sign in to check it)")
            found.append(f"Signed {trust}: {self.check.signer}, at {self.check.signed_at}.")
        if self.kind == "ra-notice":
            return found + self.notice_lines()
        if self.kind == "care-plan":
            found.append(f"Care plan record {self.record_id}, version {self.version_number}.")
            found.append(f"Fingerprint {self.fingerprint}.")
        if self.known:
            found.append(f"Person: {self.person_name}.")
            found.append("This is the current version." if self.is_current else
                         f"NOT the current version: version {self.current_number} "
                         "replaces it.")
        elif self.kind == "care-plan":
            found.append("Whether this is the current version cannot be said here: "
                         + ("the record is not on this device." if self.store_checked
                            else "sign in to check it against the record."))
        return found


    def notice_lines(self, *, ids: bool = True) -> list[str]:
        """A Required Assessment notice: which, whose, and whether the record still says it
        (`ids`: with the record id, for IT; the verify screen leaves it out)."""
        record = f", person record {self.record_id}" if ids else ""
        found = [f"Required Assessment notice {self.fingerprint}{record}."]
        if not self.known:
            return [*found, "Whether the record still stands by it cannot be said here: "
                    + ("the record is not on this device." if self.store_checked
                       else "sign in to check it against the record.")]
        return [*found, f"Person: {self.person_name}.",
                "The record still stands by this notice." if self.is_current else
                "NOT current: the record has corrected or withdrawn this notice."]


def _marker(data: bytes) -> dict[str, object]:
    try:
        keywords = (PdfReader(BytesIO(data)).metadata or {}).get("/Keywords", "")
    except Exception:  # unreadable: check_signature has already said why
        return {}
    return parse_marker(str(keywords)) or {}


def verify_pdf(*, data: bytes, session: WorkerSession | None = None) -> Verification:
    """Is it intact, whose record and version is it, and is that still the current plan?

    Without a session (the CLI before sign-in) only the signature's integrity is checked:
    trust and the record need the encrypted store.
    """
    if session is None:
        return _verification(signing.check_signature(data, []), _marker(data))
    with session.transaction() as db:
        result = replace(_verification(signing.check_signature(
            data, signing.trusted_roots(db)), _marker(data), db), store_checked=True)
        session.audit(db, AuditAction.VERIFY, record_type=result.kind or None,
                      record_id=result.record_id or None,
                      detail={"intact": result.check.intact, "trusted": result.check.trusted,
                              "version": result.version_number, "current": result.is_current})
    return result


def _verification(check: signing.SignatureCheck, marker: dict[str, object],
                  db: DbSession | None = None) -> Verification:
    number = marker.get("version")
    found = Verification(check, str(marker.get("insideout", "")), str(marker.get("record", "")),
                         str(marker.get("version_id", "")),
                         number if isinstance(number, int) else None,
                         str(marker.get("fingerprint", "")))
    if db is not None and found.kind == "ra-notice" and found.version_id:
        return _notice_standing(db, found)
    if db is None or found.kind != "care-plan" or not found.version_id:
        return found
    repo = CarePlanRepository(db)
    try:
        version = repo.get(found.version_id)
    except KeyError:
        return found
    signed = [v.number for v in repo.versions(version.person_id)
              if v.status == VersionStatus.SIGNED]
    person = PeopleRepository(db).get(version.person_id)
    return replace(found, person_name=person.name.display(), known=True,
                   fingerprint_matches=bool(version.fingerprint)
                   and version.fingerprint == found.fingerprint,
                   current_number=max(signed) if signed else None)


def _notice_standing(db: DbSession, found: Verification) -> Verification:
    """The notice's event on this device: same person, same code, and not corrected since."""
    repo = JourneyRepository(db)
    event = repo.get(found.version_id)
    if event is None or event.kind is not Kind.RA_NOTICE or event.person_id != found.record_id:
        return found
    person = PeopleRepository(db).get(event.person_id)
    return replace(found, person_name=person.name.display(), known=True,
                   fingerprint_matches=event.text("notice") == found.fingerprint,
                   corrected=any(e.supersedes == event.id
                                 for e in repo.events_of(event.person_id)))
