"""The old hand-typed arrest, court and release answers become the first events."""

from __future__ import annotations

from datetime import date

from app.domain.journey.from_assessment import (
    events_from_assessment,
    is_from_assessment,
    not_yet_recorded,
)
from app.domain.journey.kinds import Kind, Setting
from app.domain.journey.state import derive
from tests.domain.journey_events import PERSON, event

TODAY = date(2026, 3, 20)
ANSWERS = {"arrest_date": date(2026, 1, 5), "arrest_offence": "shoplifting",
           "custody_suite": "Harlow", "restriction_on_bail": True,
           "court_name": "Chelmsford Magistrates", "court_date": date(2026, 4, 2),
           "release_date": date(2026, 3, 1), "sentence": "6 weeks"}


def test_each_dated_answer_becomes_an_event_with_the_same_id_on_every_laptop() -> None:
    old = events_from_assessment(PERSON, ANSWERS, TODAY)

    assert [(e.kind, e.occurred_on, e.place) for e in old] == [
        (Kind.ARREST, date(2026, 1, 5), "Harlow"),
        (Kind.BAIL_RESTRICTION, date(2026, 1, 5), ""),
        (Kind.COURT_HEARING, date(2026, 4, 2), "Chelmsford Magistrates"),
        (Kind.RELEASE, date(2026, 3, 1), ""),
    ]
    assert old[0].details == {"offence": "shoplifting"} and all(map(is_from_assessment, old))
    assert [e.id for e in old] == [e.id for e in events_from_assessment(PERSON, ANSWERS, TODAY)]
    state = derive(old, TODAY)
    assert (state.setting, state.days_since_release, state.next_key_date.on) == (
        Setting.COMMUNITY, 19, date(2026, 4, 2))


def test_a_release_date_still_ahead_is_an_expected_release() -> None:
    [expected] = events_from_assessment(PERSON, {"release_date": "2026-05-01"}, TODAY)

    assert expected.kind is Kind.EXPECTED_RELEASE and expected.day("release_on") == date(
        2026, 5, 1)


def test_undated_answers_make_nothing_and_recorded_events_win() -> None:
    assert events_from_assessment(PERSON, {"arrest_offence": "theft"}, TODAY) == []
    old = events_from_assessment(PERSON, ANSWERS, TODAY)
    recorded = [event(Kind.ARREST, date(2026, 1, 5), "Harlow", offence="shoplifting",
                      trigger_offence=True)]

    kept = not_yet_recorded(old, recorded)
    assert Kind.ARREST not in {e.kind for e in kept} and len(kept) == 3
