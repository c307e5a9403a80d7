"""The care plan: read it with its history, save a draft, sign a version (which freezes it).

Saving after a version was signed never touches the signed one: it starts a new draft
version that supersedes it. Both the repository and database triggers refuse any write
to a signed version, so no service call can change one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from app.config import RESOURCES_DIR
from app.domain.audit import AuditAction
from app.domain.careplan import (
    CarePlanContent,
    CarePlanVersion,
    Intervention,
    InterventionStatus,
    Signature,
    SignatureKind,
    SignerRole,
    Stroke,
    VersionStatus,
    fingerprint,
    validate_content,
    validate_signature,
)
from app.domain.dates import parse_date
from app.domain.errors import InvalidValue
from app.domain.valuesets import ValueSet, load_value_set
from app.services.errors import InvalidInput, NotFound, ServiceError
from app.services.session import WorkerSession
from app.store.careplan_repo import CarePlanRepository, FrozenVersionError
from app.store.people_repo import PeopleRepository
from app.store.repositories import utc_now


class SignedPlanFrozen(ServiceError):
    def __init__(self, number: int) -> None:
        super().__init__(f"Version {number} of this care plan is signed and cannot be changed. "
                         "Save your changes as a new version instead.")


@dataclass(frozen=True)
class Catalogue:
    interventions: ValueSet
    agencies: ValueSet
    statuses: tuple[str, ...] = tuple(str(s) for s in InterventionStatus)


@lru_cache(maxsize=2)
def _catalogue(resources_dir: Path) -> Catalogue:
    return Catalogue(load_value_set(resources_dir / "careplan" / "interventions.json"),
                     load_value_set(resources_dir / "valuesets" / "partner_agencies.json"))


def catalogue(resources_dir: Path = RESOURCES_DIR) -> Catalogue:
    return _catalogue(resources_dir)


@dataclass(frozen=True)
class InterventionInput:
    code: str
    agency: str
    owner: str = ""
    target_date: str = ""  # dd/mm/yyyy as typed; empty for none
    status: str = "planned"
    notes: str = ""


@dataclass(frozen=True)
class CarePlanInput:
    goals: tuple[str, ...] = ()
    interventions: tuple[InterventionInput, ...] = ()
    review_date: str = ""


@dataclass(frozen=True)
class SignatureInput:
    kind: str = "signed"
    signer_name: str = ""
    strokes: tuple[Stroke, ...] = ()
    aspect: float = 3.0
    reason: str = ""
    signed_at: str = ""  # when the pad was finished; now if empty


@dataclass(frozen=True)
class CarePlanView:
    person_id: str
    versions: tuple[CarePlanVersion, ...] = field(default=())

    @property
    def current(self) -> CarePlanVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def current_signed(self) -> CarePlanVersion | None:
        signed = [v for v in self.versions if v.status == VersionStatus.SIGNED]
        return signed[-1] if signed else None


# ---- reading -------------------------------------------------------------------------
def load_care_plan(*, session: WorkerSession, person_id: str) -> CarePlanView:
    with session.transaction() as db:
        return CarePlanView(person_id, tuple(CarePlanRepository(db).versions(person_id)))


def get_version(*, session: WorkerSession, version_id: str) -> CarePlanVersion:
    with session.transaction() as db:
        try:
            return CarePlanRepository(db).get(version_id)
        except KeyError:
            raise NotFound("That care plan version") from None


# ---- parsing what was typed ----------------------------------------------------------
def _optional_date(text: str, key: str, problems: dict[str, str]) -> date | None:
    if not text.strip():
        return None
    try:
        return parse_date(text, field=key.split(".")[-1].replace("_", " "))
    except InvalidValue as error:
        problems[key] = str(error)
        return None


def parse_plan(plan: CarePlanInput) -> CarePlanContent:
    problems: dict[str, str] = {}
    items = []
    for n, typed in enumerate(plan.interventions):
        status = typed.status if typed.status in set(InterventionStatus) else "planned"
        items.append(Intervention(
            typed.code, typed.agency, typed.owner.strip(),
            _optional_date(typed.target_date, f"interventions.{n}.target_date", problems),
            InterventionStatus(status), typed.notes.strip()))
    content = CarePlanContent(
        goals=tuple(g.strip() for g in plan.goals if g.strip()), interventions=tuple(items),
        review_date=_optional_date(plan.review_date, "review_date", problems))
    known = catalogue()
    problems.update(validate_content(content, intervention_codes=set(known.interventions.codes),
                                     agency_codes=set(known.agencies.codes)))
    if problems:
        raise InvalidInput(problems)
    return content


# ---- writing -------------------------------------------------------------------------
def save_plan(*, session: WorkerSession, person_id: str, plan: CarePlanInput) -> CarePlanVersion:
    """Save into the open draft, or start a new version if the latest one is signed."""
    content = parse_plan(plan)
    with session.transaction() as db:
        repo = CarePlanRepository(db, session.context, session.worker.full_name)
        latest = repo.latest(person_id)
        if latest is not None and latest.status == VersionStatus.DRAFT:
            saved = repo.update_draft(latest.id, content)
        else:
            saved = repo.add_version(person_id, content, latest.id if latest else None)
        session.audit(db, AuditAction.EDIT if latest and saved.id == latest.id
                      else AuditAction.CREATE, record_type="care_plan", record_id=person_id,
                      detail={"version": saved.number})
    return saved


def update_draft(*, session: WorkerSession, version_id: str,
                 plan: CarePlanInput) -> CarePlanVersion:
    """Change one named draft; a signed version refuses (SignedPlanFrozen)."""
    content = parse_plan(plan)
    with session.transaction() as db:
        repo = CarePlanRepository(db, session.context, session.worker.full_name)
        version = _existing(repo, version_id)
        try:
            saved = repo.update_draft(version_id, content)
        except FrozenVersionError:
            raise SignedPlanFrozen(version.number) from None
        session.audit(db, AuditAction.EDIT, record_type="care_plan",
                      record_id=version.person_id, detail={"version": saved.number})
    return saved


def _existing(repo: CarePlanRepository, version_id: str) -> CarePlanVersion:
    try:
        return repo.get(version_id)
    except KeyError:
        raise NotFound("That care plan version") from None


def _signature(role: SignerRole, typed: SignatureInput, default_name: str) -> Signature:
    strokes = tuple(tuple((round(x, 4), round(y, 4)) for x, y in s) for s in typed.strokes)
    kind = SignatureKind(typed.kind)
    signature = Signature(role, kind, typed.signer_name.strip() or default_name,
                          typed.signed_at or utc_now(), typed.reason.strip(),
                          strokes if kind == SignatureKind.SIGNED else (),
                          round(typed.aspect, 4))
    try:
        validate_signature(signature)
    except InvalidValue as error:
        raise InvalidInput({str(role): str(error)}) from None
    return signature


def sign_version(*, session: WorkerSession, version_id: str, person: SignatureInput,
                 worker: SignatureInput) -> CarePlanVersion:
    """Record both signatures (or why not) and freeze the version, in one transaction."""
    with session.transaction() as db:
        repo = CarePlanRepository(db, session.context, session.worker.full_name)
        version = _existing(repo, version_id)
        if version.status != VersionStatus.DRAFT:
            raise SignedPlanFrozen(version.number)
        named = PeopleRepository(db).get(version.person_id).name
        signatures = (_signature(SignerRole.PERSON, person, f"{named.given} {named.family}"),
                      _signature(SignerRole.WORKER, worker, session.worker.full_name))
        print_ = fingerprint(person_id=version.person_id, version_id=version.id,
                             number=version.number, content=version.content,
                             signatures=signatures)
        signed = repo.freeze(version_id, signatures, signed_at=utc_now(), fingerprint=print_)
        session.audit(db, AuditAction.EDIT, record_type="care_plan",
                      record_id=version.person_id,
                      detail={"version": version.number, "signed": True,
                              "person": str(signatures[0].kind),
                              "worker": str(signatures[1].kind)})
    return signed


def starting_plan(*, session: WorkerSession, person_id: str) -> CarePlanInput:
    """What a first care plan starts from: the goals already written in the assessment's
    "Their goals" section, one per line, so the worker does not type them twice."""
    from app.services.assessment import load_assessment  # the plan builds on the assessment

    values = load_assessment(session=session, person_id=person_id).values
    own_words = values.get("goals", {}).get("goals_own_words")
    lines = str(own_words or "").splitlines()
    return CarePlanInput(goals=tuple(line.strip() for line in lines if line.strip()))


def plan_input_from(version: CarePlanVersion) -> CarePlanInput:
    """A version as the form shows it, to start editing from."""
    c = version.content
    return CarePlanInput(
        goals=c.goals,
        interventions=tuple(InterventionInput(
            i.code, i.agency, i.owner, i.target_date.strftime("%d/%m/%Y") if i.target_date
            else "", str(i.status), i.notes) for i in c.interventions),
        review_date=c.review_date.strftime("%d/%m/%Y") if c.review_date else "")
