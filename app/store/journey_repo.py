"""Journey event rows <-> domain events. Rows are only ever added."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.journey.digest import to_digest
from app.domain.journey.events import JourneyEvent
from app.domain.journey.from_assessment import SECTION, with_assessment
from app.domain.journey.kinds import Kind
from app.store.assessment_repo import AssessmentRepository
from app.store.caseload_repo import CaseloadRepository
from app.store.identity import WriteContext, stamp_new
from app.store.journey_models import JourneyEventRow
from app.store.repositories import utc_now


def to_domain(row: JourneyEventRow) -> JourneyEvent:
    return JourneyEvent(
        id=row.id, person_id=row.person_id, kind=Kind(row.kind),
        occurred_on=date.fromisoformat(row.occurred_on), place=row.place,
        details=json.loads(row.details_json), supersedes=row.supersedes_id,
        recorded_by=row.recorded_by_name, recorded_hlc=row.created_hlc)


class JourneyRepository:
    def __init__(self, session: Session, ctx: WriteContext | None = None,
                 worker_name: str = "") -> None:
        self._session = session
        self._ctx = ctx
        self._worker_name = worker_name

    def standing(self, person_id: str, today: date) -> list[JourneyEvent]:
        """The recorded events and, before them, what the assessment's retired answers
        say that no recorded event does (app.domain.journey.from_assessment)."""
        answers = AssessmentRepository(self._session).values(person_id).get(SECTION, {})
        return with_assessment(self.events_of(person_id), person_id, answers, today)

    def events_of(self, person_id: str) -> list[JourneyEvent]:
        """Every event of the person, corrected ones too (the timeline strikes them
        through), oldest first."""
        rows = self._session.scalars(select(JourneyEventRow).where(
            JourneyEventRow.person_id == person_id).order_by(
            JourneyEventRow.occurred_on, JourneyEventRow.created_hlc))
        return [to_domain(row) for row in rows]

    def get(self, event_id: str) -> JourneyEvent | None:
        row = self._session.get(JourneyEventRow, event_id)
        return to_domain(row) if row is not None else None

    def add(self, event: JourneyEvent) -> JourneyEvent:
        """Store a checked event as a new row; its id and clock stamp are made here."""
        assert self._ctx is not None, "a write needs a write context"
        row = JourneyEventRow(
            person_id=event.person_id, kind=event.kind.value,
            occurred_on=event.occurred_on.isoformat(), place=event.place,
            details_json=json.dumps(dict(event.details), sort_keys=True),
            supersedes_id=event.supersedes, recorded_by_name=self._worker_name,
            recorded_at=utc_now())
        stamp_new(row, self._ctx, append_only=True)
        self._session.add(row)
        self._session.flush()
        CaseloadRepository(self._session).refresh(
            event.person_id, journey=to_digest(self.standing(event.person_id, date.today())))
        return to_domain(row)
