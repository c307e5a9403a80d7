"""Appointments: booking checks, outcomes as append-only rows, status by day, the card."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time

from app.domain.appointments import (
    Appointment,
    AppointmentOutcome,
    AppointmentStatus,
    Outcome,
    card_order,
    check,
    check_outcome,
    day_view,
    latest_outcomes,
    release_day,
    standing,
    status_on,
    upcoming,
)
from app.domain.journey.kinds import Kind
from tests.domain.journey_events import PERSON, event

DAY = date(2026, 3, 12)  # a Thursday


def _booking(id_: str = "a1", on: date = DAY, at: time | None = time(14, 30),
             **changes: object) -> Appointment:
    booking = Appointment(id_, PERSON, on, at, "Basildon hub", "Sam (nurse)",
                          "Blood-borne virus test", "w1", f"{id_}-0001")
    return replace(booking, **changes)


def _outcome(outcome: Outcome, stamp: str, appointment: str = "a1", reason: str = "",
             supersedes: str | None = None, on: date = DAY) -> AppointmentOutcome:
    return AppointmentOutcome(f"o{stamp}", appointment, PERSON, outcome, on, "w1", stamp,
                              reason, supersedes)


def test_status_moves_with_the_day_until_an_outcome_is_recorded() -> None:
    booking = _booking()

    assert status_on(booking, None, date(2026, 3, 11)) is AppointmentStatus.BOOKED
    assert status_on(booking, None, DAY) is AppointmentStatus.DUE_TODAY
    assert status_on(booking, None, date(2026, 3, 13)) is AppointmentStatus.AWAITING_OUTCOME
    missed = _outcome(Outcome.DID_NOT_ATTEND, "0002")
    assert status_on(booking, missed, date(2026, 3, 13)) is AppointmentStatus.DID_NOT_ATTEND
    assert booking.when == datetime(2026, 3, 12, 14, 30)


def test_the_latest_standing_outcome_wins_by_clock_stamp() -> None:
    missed = _outcome(Outcome.DID_NOT_ATTEND, "0002")
    corrected = _outcome(Outcome.ATTENDED, "0003", supersedes="o0002")
    other_laptop = _outcome(Outcome.CANCELLED, "0001", reason="Ill")

    assert latest_outcomes([corrected, missed])["a1"] == corrected
    assert latest_outcomes([missed, other_laptop])["a1"] == missed


def test_a_booking_needs_a_time_a_place_and_a_purpose() -> None:
    problems = check(_booking(at=None, where=" ", what_for=""), today=DAY)

    assert set(problems) == {"at", "where", "what_for"}
    assert "time" in problems["at"]
    assert check(_booking(), today=DAY) == {}
    assert set(check(_booking(booked_by=""), today=DAY)) == {"booked_by"}
    assert set(check(_booking(where="x" * 201), today=DAY)) == {"where"}


def test_a_kept_appointment_may_be_back_entered_within_90_days_but_not_a_mistyped_year(
        ) -> None:
    assert check(_booking(on=date(2025, 12, 12)), today=DAY) == {}  # 90 days back
    assert set(check(_booking(on=date(2025, 12, 11)), today=DAY)) == {"on"}
    assert check(_booking(on=date(2028, 3, 11)), today=DAY) == {}
    assert "two years" in check(_booking(on=date(2036, 3, 12)), today=DAY)["on"]


def test_attendance_is_recorded_only_once_the_day_has_come_and_cancelling_needs_a_reason(
        ) -> None:
    booking = _booking()
    attended = _outcome(Outcome.ATTENDED, "0002", on=date(2026, 3, 11))

    assert set(check_outcome(attended, booking, today=date(2026, 3, 11))) == {"outcome"}
    assert check_outcome(replace(attended, recorded_on=DAY), booking, today=DAY) == {}
    cancel = _outcome(Outcome.CANCELLED, "0003", on=date(2026, 3, 10))
    assert set(check_outcome(cancel, booking, today=date(2026, 3, 10))) == {"reason"}
    assert check_outcome(replace(cancel, reason="In hospital"), booking,
                         today=date(2026, 3, 10)) == {}
    elsewhere = _outcome(Outcome.ATTENDED, "0004", appointment="a9")
    assert "appointment_id" in check_outcome(elsewhere, booking, today=DAY)


def test_a_corrected_booking_replaces_the_old_one() -> None:
    wrong = _booking()
    right = _booking("a2", on=date(2026, 3, 13), supersedes="a1")

    assert standing([right, wrong]) == [right]


def test_the_card_lists_release_day_first_then_soonest_and_leaves_out_cancelled_and_past(
        ) -> None:
    release = date(2026, 3, 20)
    gp = _booking("a1", on=date(2026, 3, 16), at=time(9, 0))
    gate = _booking("a2", on=release, at=time(15, 0))
    script = _booking("a3", on=release, at=time(11, 0))
    later = _booking("a4", on=date(2026, 3, 25), at=time(10, 0))
    gone = _booking("a5", on=date(2026, 3, 10))
    off = _booking("a6", on=date(2026, 3, 17))
    outcomes = latest_outcomes([_outcome(Outcome.CANCELLED, "0009", "a6", "Moved")])

    shown = upcoming([later, gone, off, gate, gp, script], outcomes, DAY)
    assert [a.id for a in card_order(shown, release)] == ["a3", "a2", "a1", "a4"]
    assert [a.id for a in card_order(shown, None)] == ["a1", "a3", "a2", "a4"]


def test_the_release_day_is_the_expected_release_or_the_last_release() -> None:
    inside = [event(Kind.PRISON_RECEPTION, date(2026, 1, 5), "HMP Chelmsford"),
              event(Kind.EXPECTED_RELEASE, date(2026, 2, 1), release_on="2026-03-20")]
    assert release_day(inside, DAY) == date(2026, 3, 20)

    out = [*inside, event(Kind.RELEASE, date(2026, 3, 20), "HMP Chelmsford")]
    assert release_day(out, date(2026, 3, 21)) == date(2026, 3, 20)
    assert release_day([], DAY) is None


def test_the_day_view_lists_one_days_bookings_by_time_with_their_status() -> None:
    morning = _booking("a1", at=time(9, 0))
    afternoon = _booking("a2", at=time(16, 0))
    tomorrow = _booking("a3", on=date(2026, 3, 13))
    outcomes = latest_outcomes([_outcome(Outcome.ATTENDED, "0002", "a1")])

    assert day_view([afternoon, tomorrow, morning], outcomes, DAY) == [
        (morning, AppointmentStatus.ATTENDED), (afternoon, AppointmentStatus.DUE_TODAY)]
