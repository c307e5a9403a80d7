"""Referrals: a closed loop through sent, acknowledged, accepted or declined, and outcome."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from app.domain.consent import ConsentRecord, PartnerAgency
from app.domain.referrals import (
    InvalidReferralStep,
    Referral,
    ReferralService,
    ReferralStatus,
    ReferralUpdate,
    advance,
    answer_due_on,
    check,
    state_of,
    unanswered,
)

SENT = date(2026, 3, 2)
S = ReferralStatus


def _referral(**changes: object) -> Referral:
    referral = Referral("r1", "p1", ReferralService.HOUSING, "Leaves prison with nowhere to stay",
                        SENT, "w1", "0001")
    return replace(referral, **changes)


def _update(status: ReferralStatus, on: date, stamp: str, note: str = "",
            supersedes: str | None = None) -> ReferralUpdate:
    return ReferralUpdate(f"u{stamp}", "r1", "p1", status, on, "w1", stamp, note, supersedes)


def test_the_status_follows_the_steps_in_order() -> None:
    referral = _referral()
    steps = [_update(S.ACKNOWLEDGED, date(2026, 3, 4), "0002"),
             _update(S.ACCEPTED, date(2026, 3, 9), "0003"),
             _update(S.OUTCOME_RECORDED, date(2026, 4, 1), "0004", "Housed at Elm Road")]

    assert state_of(referral, []).status is S.SENT
    assert [state_of(referral, steps[:n]).status for n in (1, 2, 3)] == [
        S.ACKNOWLEDGED, S.ACCEPTED, S.OUTCOME_RECORDED]
    assert state_of(referral, steps).since == date(2026, 4, 1)
    assert state_of(referral, steps).open is False


def test_a_step_out_of_order_is_refused_saying_what_may_come_next() -> None:
    referral = _referral()
    with pytest.raises(InvalidReferralStep, match="acknowledged, accepted, declined or "
                                                  "withdrawn"):
        advance(referral, [], _update(S.OUTCOME_RECORDED, date(2026, 3, 9), "0002", "x"))
    accepted = [_update(S.ACCEPTED, date(2026, 3, 9), "0002")]
    with pytest.raises(InvalidReferralStep, match="accepted cannot be acknowledged"):
        advance(referral, accepted, _update(S.ACKNOWLEDGED, date(2026, 3, 10), "0003"))
    closed = [*accepted, _update(S.WITHDRAWN, date(2026, 3, 10), "0003", "Moved away")]
    with pytest.raises(InvalidReferralStep, match="closed"):
        advance(referral, closed, _update(S.ACCEPTED, date(2026, 3, 11), "0004"))


def test_a_step_needs_a_date_after_the_last_and_a_note_where_a_reason_is_owed() -> None:
    referral = _referral()
    with pytest.raises(InvalidReferralStep, match="before the referral was sent"):
        advance(referral, [], _update(S.ACKNOWLEDGED, date(2026, 3, 1), "0002"))
    with pytest.raises(InvalidReferralStep, match="note"):
        advance(referral, [], _update(S.DECLINED, date(2026, 3, 3), "0002"))
    state = advance(referral, [], _update(S.DECLINED, date(2026, 3, 3), "0002", "Not eligible"))
    assert state.status is S.DECLINED


def test_steps_recorded_offline_on_two_laptops_replay_and_the_odd_one_is_set_aside() -> None:
    accepted = _update(S.ACCEPTED, date(2026, 3, 9), "0002")
    declined = _update(S.DECLINED, date(2026, 3, 9), "0003", "No beds")

    state = state_of(_referral(), [declined, accepted])
    assert state.status is S.ACCEPTED and state.set_aside == (declined,)
    corrected = _update(S.DECLINED, date(2026, 3, 9), "0004", "No beds", supersedes="u0002")
    assert state_of(_referral(), [accepted, declined, corrected]).status is S.DECLINED


def test_unanswered_after_n_days_counting_from_the_last_step_heard() -> None:
    referral = _referral()
    acknowledged = [_update(S.ACKNOWLEDGED, date(2026, 3, 10), "0002")]

    assert unanswered(referral, [], date(2026, 3, 15)) is False
    assert unanswered(referral, [], date(2026, 3, 16)) is True  # 14 days
    assert unanswered(referral, [], date(2026, 3, 9), answer_days=7) is True
    assert unanswered(referral, acknowledged, date(2026, 3, 23)) is False
    assert unanswered(referral, acknowledged, date(2026, 3, 24)) is True
    answered = [*acknowledged, _update(S.ACCEPTED, date(2026, 3, 11), "0003")]
    assert unanswered(referral, answered, date(2026, 6, 1)) is False
    assert answer_due_on(referral, state_of(referral, answered)) is None


def test_a_referral_needs_a_reason_a_past_day_and_consent_where_the_service_reads_the_record(
        ) -> None:
    today = date(2026, 3, 2)
    assert check(_referral(), today=today) == {}
    assert set(check(_referral(reason=" ", sent_on=date(2026, 3, 3)), today=today)) == {
        "reason", "sent_on"}
    housing = ConsentRecord(PartnerAgency.HOUSING, date(2025, 6, 1), "w1")
    police = ConsentRecord(PartnerAgency.POLICE, date(2025, 6, 1), "w1")
    assert check(_referral(), today=today, consents=[housing]) == {}
    assert "consented" in check(_referral(), today=today, consents=[police])["service"]
    gp = _referral(service=ReferralService.GP)  # not a partner reading the record
    assert check(gp, today=today, consents=[]) == {}
