"""Consent rows: given with how and until when, withdrawn by a new fact, never deleted."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.consent import ConsentRecord, PartnerAgency
from app.store.identity import WriteContext, stamp_edit, stamp_new
from app.store.person_models import Consent


def consent_record(row: Consent) -> ConsentRecord:
    return ConsentRecord(
        PartnerAgency(row.agency), date.fromisoformat(row.given_on), row.recorded_by,
        date.fromisoformat(row.withdrawn_on) if row.withdrawn_on else None,
        row.withdrawal_recorded_by, how=row.how or "",
        review_on=date.fromisoformat(row.review_on) if row.review_on else None)


class ConsentRepository:
    def __init__(self, session: Session, ctx: WriteContext) -> None:
        self._session = session
        self._ctx = ctx

    def give(self, person_id: str, agency: str, given_on: date, recorded_by: str,
             how: str = "", review_on: date | None = None) -> None:
        row = Consent(person_id=person_id, agency=agency, given_on=given_on.isoformat(),
                      recorded_by=recorded_by, withdrawn_on=None, withdrawal_recorded_by="",
                      how=how, review_on=review_on.isoformat() if review_on else None)
        stamp_new(row, self._ctx)
        self._session.add(row)

    def withdraw(self, person_id: str, agency: str, withdrawn_on: date,
                 recorded_by: str) -> int:
        """Mark every active agreement with this agency withdrawn; returns how many."""
        rows = self._session.scalars(select(Consent).where(
            Consent.person_id == person_id, Consent.agency == agency,
            Consent.withdrawn_on.is_(None), Consent.deleted.is_(False))).all()
        for row in rows:
            row.withdrawn_on = withdrawn_on.isoformat()
            row.withdrawal_recorded_by = recorded_by
            stamp_edit(row, self._ctx)
        return len(rows)
