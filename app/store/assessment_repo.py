"""The single living assessment: current values per field, their history, confirmations,
contacts and merges."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.assessment import Value
from app.store.identity import WriteContext, stamp_edit, stamp_new
from app.store.models import Person
from app.store.person_models import (
    AssessmentHistory,
    AssessmentValue,
    Contact,
    PersonMerge,
    SectionConfirmation,
)
from app.store.repositories import utc_now

# Made alike on the server, which checks an answer's id is its own person's.
from sync.protocol.tables import answer_id, natural_id  # noqa: F401  (natural_id: re-export)

Sections = dict[str, dict[str, Value]]


def same_value(a: Value, b: Value) -> bool:
    """Equal and of one type: True == 1 in Python, but 'Yes' is not the number 1."""
    return a == b and type(a) is type(b)


@dataclass(frozen=True)
class HistoryEntry:
    section: str
    field: str
    old: Value
    new: Value
    worker_name: str
    at_utc: str
    hlc: str


@dataclass(frozen=True)
class Confirmation:
    section: str
    by_name: str
    at_utc: str


@dataclass(frozen=True)
class ContactEntry:
    id: str
    setting: str
    at_utc: str
    worker_name: str
    hlc: str


class AssessmentRepository:
    def __init__(self, session: Session, ctx: WriteContext | None = None,
                 worker_name: str = "") -> None:
        self._session = session
        self._ctx = ctx
        self._worker_name = worker_name

    def values(self, person_id: str) -> Sections:
        sections: Sections = {}
        rows = self._session.scalars(select(AssessmentValue).where(
            AssessmentValue.person_id == person_id, AssessmentValue.deleted.is_(False)))
        for row in rows:
            sections.setdefault(row.section, {})[row.field] = json.loads(row.value_json)
        return sections

    def save_section(self, person_id: str, section: str,
                     new_values: Mapping[str, Value]) -> list[HistoryEntry]:
        """Write changed fields, append their history, and confirm the section."""
        assert self._ctx is not None
        current = {r.field: r for r in self._session.scalars(select(AssessmentValue).where(
            AssessmentValue.person_id == person_id, AssessmentValue.section == section))}
        now, changes = utc_now(), []
        for field, value in new_values.items():
            row = current.get(field)
            old = json.loads(row.value_json) if row is not None and not row.deleted else None
            if same_value(old, value):
                continue
            self._write_value(person_id, section, field, value, row)
            changes.append(self._append_history(person_id, section, field, old, value, now))
        self._confirm(person_id, section, now)
        return changes

    def _write_value(self, person_id: str, section: str, field: str, value: Value,
                     row: AssessmentValue | None) -> None:
        assert self._ctx is not None
        if row is None:
            row = AssessmentValue(id=self._answer_id(person_id, section, field),
                                  person_id=person_id, section=section, field=field)
            stamp_new(row, self._ctx)
            self._session.add(row)
        else:
            stamp_edit(row, self._ctx)
            row.deleted = False
        row.value_json = json.dumps(value)

    def _answer_id(self, person_id: str, *parts: str) -> str:
        salt = self._session.scalar(select(Person.id_salt).where(Person.id == person_id))
        return answer_id(person_id, salt or "", *parts)

    def _append_history(self, person_id: str, section: str, field: str, old: Value,
                        new: Value, now: str) -> HistoryEntry:
        assert self._ctx is not None
        hlc = self._ctx.hlc()
        self._session.add(AssessmentHistory(
            person_id=person_id, section=section, field=field, old_json=json.dumps(old),
            new_json=json.dumps(new), worker_id=self._ctx.worker_id,
            worker_name=self._worker_name, device_id=self._ctx.device_id, hlc=hlc, at_utc=now))
        return HistoryEntry(section, field, old, new, self._worker_name, now, hlc)

    def _confirm(self, person_id: str, section: str, now: str) -> None:
        assert self._ctx is not None
        row = self._session.scalar(select(SectionConfirmation).where(
            SectionConfirmation.person_id == person_id, SectionConfirmation.section == section))
        if row is None:
            row = SectionConfirmation(id=self._answer_id(person_id, section),
                                      person_id=person_id, section=section)
            stamp_new(row, self._ctx)
            self._session.add(row)
        else:
            stamp_edit(row, self._ctx)
        row.confirmed_by_name, row.confirmed_at = self._worker_name, now

    def confirmations(self, person_id: str) -> dict[str, Confirmation]:
        rows = self._session.scalars(select(SectionConfirmation).where(
            SectionConfirmation.person_id == person_id))
        return {r.section: Confirmation(r.section, r.confirmed_by_name, r.confirmed_at)
                for r in rows}

    def history(self, person_id: str, *, section: str | None = None,
                field: str | None = None, after_hlc: str = "") -> list[HistoryEntry]:
        query = select(AssessmentHistory).where(AssessmentHistory.person_id == person_id,
                                                AssessmentHistory.hlc > after_hlc)
        if section:
            query = query.where(AssessmentHistory.section == section)
        if field:
            query = query.where(AssessmentHistory.field == field)
        return [HistoryEntry(r.section, r.field, json.loads(r.old_json), json.loads(r.new_json),
                             r.worker_name, r.at_utc, r.hlc)
                for r in self._session.scalars(query.order_by(AssessmentHistory.hlc))]

    def last_set_to(self, person_id: str, section: str, field: str,
                    value: Value) -> HistoryEntry | None:
        """The newest history entry that gave the field this value: who set what is there
        now. None when no synced history says (a conflict resolution keeps none)."""
        for entry in reversed(self.history(person_id, section=section, field=field)):
            if same_value(entry.new, value):
                return entry
        return None

    # ---- contacts -------------------------------------------------------------------
    def add_contact(self, person_id: str, setting: str) -> ContactEntry:
        assert self._ctx is not None
        row = Contact(person_id=person_id, setting=setting, at_utc=utc_now(),
                      worker_name=self._worker_name)
        stamp_new(row, self._ctx)
        self._session.add(row)
        return ContactEntry(row.id, setting, row.at_utc, row.worker_name, row.created_hlc)

    def contacts(self, person_id: str) -> list[ContactEntry]:
        rows = self._session.scalars(select(Contact).where(
            Contact.person_id == person_id, Contact.deleted.is_(False))
            .order_by(Contact.created_hlc.desc()))
        return [ContactEntry(r.id, r.setting, r.at_utc, r.worker_name, r.created_hlc)
                for r in rows]

    # ---- merges ---------------------------------------------------------------------
    def add_merge(self, survivor_id: str, merged_id: str, reason: str) -> str:
        assert self._ctx is not None
        row = PersonMerge(survivor_id=survivor_id, merged_id=merged_id, reason=reason,
                          merged_by_name=self._worker_name, merged_at=utc_now(),
                          undone_at=None)
        stamp_new(row, self._ctx)
        self._session.add(row)
        return row.id

    def undo_merge(self, merge_id: str) -> PersonMerge:
        assert self._ctx is not None
        row = self._session.get(PersonMerge, merge_id)
        if row is None or row.undone_at is not None:
            raise KeyError(merge_id)
        row.undone_at = utc_now()
        stamp_edit(row, self._ctx)
        return row

    def active_merges(self, survivor_id: str) -> list[PersonMerge]:
        return list(self._session.scalars(select(PersonMerge).where(
            PersonMerge.survivor_id == survivor_id, PersonMerge.undone_at.is_(None))
            .order_by(PersonMerge.merged_at)))

    def merged_ids(self, survivor_id: str) -> list[str]:
        return list(self._session.scalars(select(PersonMerge.merged_id).where(
            PersonMerge.survivor_id == survivor_id, PersonMerge.undone_at.is_(None))))
