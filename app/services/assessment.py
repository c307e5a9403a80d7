"""The single living assessment: read it, save a section, see what changed and what is stale."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from app.domain.assessment import (
    FieldChange,
    RiskSummary,
    Value,
    coerce_field,
    missing_young_safeguarding,
    risk_summary,
    stale_sections,
    validate_section,
)
from app.domain.audit import AuditAction
from app.domain.errors import InvalidValue
from app.domain.person import Pathway
from app.services.errors import InvalidInput
from app.services.session import WorkerSession
from app.store.assessment_repo import (
    AssessmentRepository,
    Confirmation,
    ContactEntry,
    HistoryEntry,
    same_value,
)
from app.store.caseload_repo import CaseloadRepository
from app.store.device import DbSession
from app.store.people_repo import PeopleRepository

CONTACT_SETTINGS = ("custody", "court", "prison", "community")


@dataclass(frozen=True)
class AssessmentView:
    values: dict[str, dict[str, Value]]
    confirmations: dict[str, Confirmation]
    stale: tuple[str, ...]
    risk: RiskSummary
    contacts: tuple[ContactEntry, ...]
    since_last_contact: tuple[HistoryEntry, ...]  # changes after the latest contact
    # Values from records merged into this one that differ from the current answer.
    also_recorded: dict[tuple[str, str], tuple[Value, ...]]


@dataclass(frozen=True)
class StaleAnswer:
    """An answer the worker changed that someone else changed first, since the form was
    opened: not saved. The worker chooses to keep `newer` or to write `yours` over it."""

    section: str
    field: str
    yours: Value
    opened_with: Value  # what the form showed when it was opened (or last refreshed)
    newer: Value  # what the record holds now
    by_name: str  # who set `newer`; "" when no history says (e.g. a conflict resolved)
    at_utc: str


@dataclass(frozen=True)
class SectionSaved:
    section: str
    changes: tuple[HistoryEntry, ...]
    risk: RiskSummary
    stale: tuple[StaleAnswer, ...] = ()  # refused: changed underneath the open form


# What a form was opened with, per section and field: the stored values, not text.
Base = Mapping[str, Mapping[str, Value]]


def _merged_values(repo: AssessmentRepository, person_id: str
                   ) -> tuple[dict[str, dict[str, Value]], dict[tuple[str, str], tuple]]:
    """The survivor's answers, filled in from merged records; differing answers kept aside."""
    values = repo.values(person_id)
    aside: dict[tuple[str, str], list[Value]] = {}
    for merged_id in repo.merged_ids(person_id):
        for section, fields in repo.values(merged_id).items():
            mine = values.setdefault(section, {})
            for field, value in fields.items():
                if field not in mine or mine[field] is None:
                    mine[field] = value
                elif mine[field] != value:
                    aside.setdefault((section, field), []).append(value)
    return values, {key: tuple(v) for key, v in aside.items()}


def load_assessment(*, session: WorkerSession, person_id: str,
                    today: date | None = None) -> AssessmentView:
    today = today or date.today()
    with session.transaction(read_only=True) as db:
        repo = AssessmentRepository(db)
        values, aside = _merged_values(repo, person_id)
        confirmations = repo.confirmations(person_id)
        contacts = tuple(repo.contacts(person_id))
        since = tuple(repo.history(person_id, after_hlc=contacts[0].hlc)) if contacts else ()
        young = PeopleRepository(db).get(person_id).pathway(today) is Pathway.YOUNG_PEOPLE
    confirmed = {s: datetime.fromisoformat(c.at_utc) for s, c in confirmations.items()}
    ids = session.reference.schema.section_ids_for(young=young)
    stale = tuple(stale_sections(confirmed, today, session.reference.stale_section_days,
                                 section_ids=ids))
    return AssessmentView(values, confirmations, stale, risk_summary(values), contacts, since,
                          aside)


def coerce_typed(*, session: WorkerSession, section: str,
                 typed: Mapping[str, str]) -> dict[str, Value]:
    """Typed text to stored values; InvalidInput lists every field that could not be read."""
    definition = session.reference.schema.section(section)
    values: dict[str, Value] = {}
    problems: dict[str, str] = {}
    for field_id, text in typed.items():
        try:
            values[field_id] = coerce_field(definition.field(field_id), text,
                                            session.reference.schema.value_sets)
        except InvalidValue as error:
            problems[field_id] = str(error)
        except KeyError:
            problems[field_id] = f"'{field_id}' is not a field of {definition.title}."
    if problems:
        raise InvalidInput(problems)
    return values


def save_section(*, session: WorkerSession, person_id: str, section: str,
                 typed: Mapping[str, str], base: Mapping[str, Value] | None = None,
                 today: date | None = None) -> SectionSaved:
    """Validate the section, write what differs, confirm it, keep history.

    `typed` should hold only the answers the worker changed; `base` the values the form
    showed for them. A typed field whose stored value is no longer its base was changed
    by someone else meanwhile: it is not written but returned in `stale` (the rest is
    saved). Without a base (the CLI, imports) nothing is checked."""
    return save_sections(session=session, person_id=person_id, typed={section: typed},
                         base=None if base is None else {section: base}, today=today)[0]


def save_sections(*, session: WorkerSession, person_id: str,
                  typed: Mapping[str, Mapping[str, str]], base: Base | None = None,
                  today: date | None = None) -> list[SectionSaved]:
    """Several sections in one transaction; `base` as for save_section."""
    today = today or date.today()
    coerced = {s: coerce_typed(session=session, section=s, typed=t) for s, t in typed.items()}
    with session.transaction() as db:
        return _write_sections(db, session, person_id, coerced, today, base)


@dataclass(frozen=True)
class TriageSaved:
    sections: tuple[SectionSaved, ...]
    contact: ContactEntry

    @property
    def change_count(self) -> int:
        return sum(len(s.changes) for s in self.sections)

    @property
    def stale(self) -> tuple[StaleAnswer, ...]:
        return tuple(a for s in self.sections for a in s.stale)


def save_triage(*, session: WorkerSession, person_id: str,
                typed: Mapping[str, Mapping[str, str]], base: Base | None = None,
                today: date | None = None) -> TriageSaved:
    """A custody triage: its answers, and the visit itself as a custody contact, in one
    transaction. The triage is how most people are first seen, so without the contact the
    record would go on saying nobody has seen them."""
    today = today or date.today()
    coerced = {s: coerce_typed(session=session, section=s, typed=t) for s, t in typed.items()}
    with session.transaction() as db:
        _young_safeguarding_first(db, session, person_id, coerced, today)
        saved = _write_sections(db, session, person_id, coerced, today, base)
        # After the answers: what the triage recorded is not "changed since last contact".
        contact = _add_contact(db, session, person_id, "custody")
    return TriageSaved(tuple(saved), contact)


def _young_safeguarding_first(db: DbSession, session: WorkerSession, person_id: str,
                              coerced: Mapping[str, dict[str, Value]], today: date) -> None:
    """Someone under 18 is on the young people's pathway: their safeguarding questions
    are answered before their custody triage can be saved."""
    if PeopleRepository(db).get(person_id).pathway(today) is not Pathway.YOUNG_PEOPLE:
        return
    held = AssessmentRepository(db).values(person_id)
    answers = {s: {**held.get(s, {}), **coerced.get(s, {})}
               for s in {*held, *coerced}}
    missing = missing_young_safeguarding(answers, session.reference.schema.sections)
    if missing:
        raise InvalidInput({m.field.id: f"{m.field.label}: required for anyone under 18 "
                                        "before the triage is saved." for m in missing})


def _write_sections(db: DbSession, session: WorkerSession, person_id: str,
                    coerced: Mapping[str, dict[str, Value]], today: date,
                    base: Base | None = None) -> list[SectionSaved]:
    person = PeopleRepository(db).get(person_id)
    repo = AssessmentRepository(db, session.context, session.worker.full_name)
    stale = _stale_answers(repo, person_id, coerced, base or {})
    writable = {s: {f: v for f, v in values.items() if (s, f) not in stale}
                for s, values in coerced.items()}
    _validate(session, writable, repo.values(person_id), person.age(today), today)
    # A section whose every typed answer changed underneath saved nothing: confirming
    # it would say it was checked with the person when it was not.
    saved = [(s, tuple(repo.save_section(person_id, s, v)) if v or not coerced[s] else ())
             for s, v in writable.items()]
    risk = risk_summary(repo.values(person_id))
    _refresh_digest(db, session, repo, person_id, risk)
    for section, changes in saved:
        if not changes and coerced[section]:
            continue  # every typed answer was stale: nothing to audit
        session.audit(db, AuditAction.EDIT, record_type="assessment", record_id=person_id,
                      detail={"section": section, "fields": [c.field for c in changes]})
    return [SectionSaved(s, changes, risk, tuple(a for (sid, _), a in stale.items()
                                                 if sid == s))
            for s, changes in saved]


def _stale_answers(repo: AssessmentRepository, person_id: str,
                   coerced: Mapping[str, dict[str, Value]],
                   base: Base) -> dict[tuple[str, str], StaleAnswer]:
    """Typed answers over a value that changed since the form showed `base`.

    Compared with what a form shows (merged records filled in), so an answer the form
    took from a merged record is not mistaken for a change. Where the worker typed what
    the record now holds anyway there is nothing to choose between."""
    if not base:
        return {}
    shown, _ = _merged_values(repo, person_id)
    stale: dict[tuple[str, str], StaleAnswer] = {}
    for section, values in coerced.items():
        for field_id, yours in values.items():
            if field_id not in base.get(section, {}):
                continue  # no base given for it: the caller asked for no check
            opened, now = base[section][field_id], shown.get(section, {}).get(field_id)
            if same_value(opened, now) or same_value(yours, now):
                continue
            setter = repo.last_set_to(person_id, section, field_id, now)
            stale[(section, field_id)] = StaleAnswer(
                section, field_id, yours, opened, now,
                setter.worker_name if setter else "", setter.at_utc if setter else "")
    return stale


def _validate(session: WorkerSession, coerced: Mapping[str, dict[str, Value]],
              current: Mapping[str, dict[str, Value]], age: int | None, today: date) -> None:
    problems: dict[str, str] = {}
    for section, values in coerced.items():
        merged = {**current.get(section, {}), **values}
        found = validate_section(session.reference.schema.section(section), merged,
                                 session.reference.schema.value_sets, person_age=age,
                                 today=today)
        problems.update({f: m for f, m in found.items() if f in values})
    if problems:
        raise InvalidInput(problems)


def _refresh_digest(db: DbSession, session: WorkerSession, repo: AssessmentRepository,
                    person_id: str, risk: RiskSummary) -> None:
    CaseloadRepository(db).refresh(
        person_id, risk_level=risk.level, risk_headline=risk.headline(),
        confirmations={s: c.at_utc for s, c in repo.confirmations(person_id).items()},
        touched_by=session.worker.id)


def changed_by(*, session: WorkerSession, person_id: str,
               now: Mapping[tuple[str, str], Value]) -> dict[tuple[str, str], HistoryEntry]:
    """Who gave each (section, field) the value it holds `now`, where history says."""
    with session.transaction(read_only=True) as db:
        repo = AssessmentRepository(db)
        found = {key: repo.last_set_to(person_id, *key, value) for key, value in now.items()}
    return {key: entry for key, entry in found.items() if entry is not None}


def field_history(*, session: WorkerSession, person_id: str, section: str,
                  field: str) -> list[HistoryEntry]:
    with session.transaction(read_only=True) as db:
        return AssessmentRepository(db).history(person_id, section=section, field=field)


def person_history(*, session: WorkerSession, person_id: str) -> list[HistoryEntry]:
    """Every change to every field, oldest first."""
    with session.transaction(read_only=True) as db:
        return AssessmentRepository(db).history(person_id)


def record_contact(*, session: WorkerSession, person_id: str, setting: str) -> ContactEntry:
    if setting not in CONTACT_SETTINGS:
        raise InvalidInput({"setting": "Choose custody, court, prison or community."})
    with session.transaction() as db:
        return _add_contact(db, session, person_id, setting)


def _add_contact(db: DbSession, session: WorkerSession, person_id: str,
                 setting: str) -> ContactEntry:
    entry = AssessmentRepository(db, session.context, session.worker.full_name
                                 ).add_contact(person_id, setting)
    CaseloadRepository(db).refresh(person_id, contact=(entry.at_utc, setting),
                                   touched_by=session.worker.id)
    session.audit(db, AuditAction.CREATE, record_type="contact", record_id=person_id,
                  detail={"setting": setting})
    return entry


__all__ = ["CONTACT_SETTINGS", "AssessmentView", "FieldChange", "HistoryEntry", "SectionSaved",
           "StaleAnswer", "TriageSaved", "changed_by", "field_history", "load_assessment",
           "person_history", "record_contact", "save_section", "save_sections", "save_triage"]
