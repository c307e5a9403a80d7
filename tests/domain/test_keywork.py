"""Key-work sessions: what a worker records, what is refused, and the person's list."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from app.domain.journey.kinds import Setting
from app.domain.keywork import (
    KeyWorkSession,
    SessionType,
    check,
    goals_worked_on,
    minutes_between,
    standing,
)

TODAY = date(2026, 3, 11)
GOALS = ("Stay on my script", "Get back in touch with my sister")


def _session(id_: str = "k1", **changes: object) -> KeyWorkSession:
    session = KeyWorkSession(id_, "p1", TODAY, Setting.COMMUNITY, 45, SessionType.ONE_TO_ONE,
                             "Talked about the weekend.", goals=(GOALS[0],),
                             care_plan_version_id="v1", recorded_by="w1",
                             recorded_hlc=f"{id_}-0001")
    return replace(session, **changes)


def test_a_session_of_1_to_480_minutes_on_a_day_gone_by_is_accepted() -> None:
    assert check(_session(), today=TODAY, plan_goals=GOALS) == {}
    assert check(_session(minutes=1), today=TODAY) == {}
    assert check(_session(minutes=480), today=TODAY) == {}
    for minutes in (0, -5, 481, 4500):
        assert set(check(_session(minutes=minutes), today=TODAY)) == {"minutes"}


def test_a_session_cannot_be_in_the_future_nor_over_a_year_back() -> None:
    assert "after today" in check(_session(held_on=date(2026, 3, 12)), today=TODAY)["held_on"]
    assert check(_session(held_on=date(2025, 3, 11)), today=TODAY) == {}
    assert "over a year" in check(_session(held_on=date(2025, 3, 10)), today=TODAY)["held_on"]


def test_the_type_must_fit_the_setting() -> None:
    in_cell = _session(session_type=SessionType.IN_CELL)
    assert "cannot be held in community" in check(in_cell, today=TODAY)["session_type"]
    assert check(replace(in_cell, setting=Setting.CUSTODY), today=TODAY) == {}
    assert check(replace(in_cell, setting=Setting.PRISON), today=TODAY) == {}
    group = _session(session_type=SessionType.GROUP, setting=Setting.CUSTODY)
    assert set(check(group, today=TODAY)) == {"session_type"}
    assert set(check(_session(setting=Setting.UNKNOWN), today=TODAY)) == {"setting"}
    assert check(_session(session_type=SessionType.PHONE), today=TODAY) == {}


def test_goals_come_from_the_care_plan_once_each() -> None:
    assert set(check(_session(goals=("Be happier",)), today=TODAY, plan_goals=GOALS)) == {
        "goals"}
    assert set(check(_session(goals=(GOALS[0], GOALS[0])), today=TODAY)) == {"goals"}
    assert set(check(_session(care_plan_version_id=None), today=TODAY)) == {"goals"}
    assert check(_session(goals=(), care_plan_version_id=None), today=TODAY) == {}


def test_notes_and_who_recorded_are_checked() -> None:
    assert set(check(_session(notes="x" * 20_001), today=TODAY)) == {"notes"}
    assert set(check(_session(recorded_by=""), today=TODAY)) == {"recorded_by"}


def test_the_persons_list_is_newest_first_with_corrections_standing_in() -> None:
    older = _session("k1", held_on=date(2026, 3, 2), minutes=30)
    wrong = _session("k2", held_on=date(2026, 3, 9), minutes=600)
    fixed = _session("k3", held_on=date(2026, 3, 9), minutes=60, supersedes="k2",
                     goals=GOALS)

    assert [s.id for s in standing([older, wrong, fixed])] == ["k3", "k1"]
    assert minutes_between([older, wrong, fixed], date(2026, 3, 1), date(2026, 3, 31)) == 90
    assert minutes_between([older, wrong, fixed], date(2026, 3, 3), date(2026, 3, 9)) == 60
    assert goals_worked_on([older, wrong, fixed]) == {GOALS[0]: date(2026, 3, 9),
                                                      GOALS[1]: date(2026, 3, 9)}
