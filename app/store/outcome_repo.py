"""TOP outcome forms: rows <-> app.domain.outcomes.TopForm. Rows are only ever added."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.outcomes import codec
from app.domain.outcomes.top import TopForm
from app.store.identity import WriteContext, stamp_new
from app.store.outcome_models import TopFormRow
from app.store.repositories import utc_now


def to_domain(row: TopFormRow) -> TopForm:
    return codec.form_from_fields(row.id, {
        "person_id": row.person_id, "kind": row.kind, "completed_on": row.completed_on,
        "measures_json": row.measures_json, "supersedes_id": row.supersedes_id,
        "recorded_by_name": row.recorded_by_name}, row.created_hlc)


class OutcomeRepository:
    def __init__(self, session: Session, ctx: WriteContext | None = None,
                 worker_name: str = "") -> None:
        self._session = session
        self._ctx = ctx
        self._name = worker_name

    def forms(self, *person_ids: str) -> list[TopForm]:
        """Every form of these people, superseded ones too (domain `standing` sorts out
        which stand)."""
        return [to_domain(row) for row in self._rows(person_ids)]

    def _rows(self, person_ids: Sequence[str]) -> Sequence[TopFormRow]:
        return self._session.scalars(select(TopFormRow).where(
            TopFormRow.person_id.in_(person_ids)).order_by(TopFormRow.created_hlc)).all()

    def add(self, given: TopForm) -> TopForm:
        assert self._ctx is not None, "a write needs a write context"
        row = TopFormRow(person_id=given.person_id, kind=given.kind.value,
                         completed_on=given.completed_on.isoformat(),
                         measures_json=codec.measures_json(given),
                         supersedes_id=given.supersedes, recorded_by_name=self._name,
                         recorded_at=utc_now())
        stamp_new(row, self._ctx, append_only=True)
        self._session.add(row)
        self._session.flush()
        return to_domain(row)
