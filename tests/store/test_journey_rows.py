"""Journey events in the encrypted store: added, read back in order, never rewritten."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from app.domain.journey.events import JourneyEvent
from app.domain.journey.kinds import Kind
from app.store.journey_repo import JourneyRepository

PERSON = "11111111-1111-4111-8111-111111111111"


def _event(kind: Kind, on: date, supersedes: str | None = None, **details: object
           ) -> JourneyEvent:
    return JourneyEvent("", PERSON, kind, on, "HMP Chelmsford", details, supersedes)


def test_events_come_back_as_recorded_in_date_order_with_who_recorded_them(signed_in) -> None:
    with signed_in.transaction() as db:
        repo = JourneyRepository(db, signed_in.context, "Jo Bloggs")
        later = repo.add(_event(Kind.EXPECTED_RELEASE, date(2026, 3, 10),
                                release_on="2026-04-17"))
        earlier = repo.add(_event(Kind.PRISON_RECEPTION, date(2026, 3, 3)))
        fixed = repo.add(_event(Kind.EXPECTED_RELEASE, date(2026, 3, 10), later.id,
                                release_on="2026-04-24"))
    with signed_in.transaction() as db:
        events = JourneyRepository(db).events_of(PERSON)

    assert [e.id for e in events] == [earlier.id, later.id, fixed.id]
    assert events[2].supersedes == later.id and events[2].day("release_on") == date(2026, 4, 24)
    assert {e.recorded_by for e in events} == {"Jo Bloggs"}
    assert events[1].recorded_hlc < events[2].recorded_hlc


@pytest.mark.parametrize("statement", [
    "UPDATE journey_events SET place = 'elsewhere'",
    "DELETE FROM journey_events",
])
def test_the_database_refuses_to_rewrite_an_event(signed_in, statement: str) -> None:
    with signed_in.transaction() as db:
        JourneyRepository(db, signed_in.context, "Jo").add(
            _event(Kind.PRISON_RECEPTION, date(2026, 3, 3)))

    with pytest.raises(DatabaseError, match="append-only"), signed_in.transaction() as db:
        db.execute(text(statement))
