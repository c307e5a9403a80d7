"""A referral step recorded in error is corrected by a new step naming it: checked as if the
wrong one had never been, stored alongside it (append-only), synced as a new row, and only
ever the referral's last step (an earlier one would rewrite what followed from it)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.domain.referrals import ReferralService, ReferralStatus
from app.services import referrals
from app.services.errors import InvalidInput
from app.services.session import verify_audit_trail
from app.store.models import AuditEvent
from app.store.sync.store import EncryptedSyncStore
from tests.careplan.helpers import add_person

TODAY = date(2026, 3, 16)
S = ReferralStatus


def _refer(session, person: str, days_ago: int = 10) -> str:
    return referrals.refer(session=session, person_id=person, service=ReferralService.GP,
                           reason="Needs a script on release",
                           today=TODAY - timedelta(days=days_ago)).id


def _step(session, referral_id: str, status: ReferralStatus, note: str = "",
          days_ago: int = 5, corrects: str | None = None):
    return referrals.record_step(session=session, referral_id=referral_id, status=status,
                                 note=note, on=TODAY - timedelta(days=days_ago), today=TODAY,
                                 corrects=corrects)


def _tracked(session, person: str) -> referrals.Tracked:
    [tracked] = referrals.of_person(session=session, person_id=person)
    return tracked


def test_a_wrong_accepted_corrected_to_declined_stands_and_the_wrong_step_is_kept(signed_in):
    person = add_person(signed_in)
    referral = _refer(signed_in, person)
    _step(signed_in, referral, S.ACKNOWLEDGED, days_ago=8)
    _step(signed_in, referral, S.ACCEPTED)
    wrong = _tracked(signed_in, person).last_step
    assert wrong is not None and wrong.status is S.ACCEPTED
    # Declined cannot follow accepted, but it is checked against the steps before the
    # wrong one: only the note a decline needs is missing.
    with pytest.raises(InvalidInput) as refused:
        _step(signed_in, referral, S.DECLINED, corrects=wrong.id)
    assert list(refused.value.problems) == ["note"]
    assert refused.value.problems["note"].startswith("A note is needed for this step.")
    assert len(_tracked(signed_in, person).steps) == 2  # nothing stored

    state = _step(signed_in, referral, S.DECLINED, "Not in their catchment", days_ago=4,
                  corrects=wrong.id)

    assert (state.status, state.since) == (S.DECLINED, TODAY - timedelta(days=4))
    tracked = _tracked(signed_in, person)
    assert tracked.state.status is S.DECLINED and tracked.state.set_aside == ()
    assert [s.status for s in tracked.steps] == [S.ACKNOWLEDGED, S.ACCEPTED, S.DECLINED]
    correction = tracked.steps[-1]
    assert correction.supersedes == wrong.id and correction.note == "Not in their catchment"
    assert tracked.corrected == {wrong.id}
    assert tracked.last_step == correction
    # Next it can only have an outcome: the wrong 'accepted' no longer counts.
    with pytest.raises(InvalidInput) as refused:
        _step(signed_in, referral, S.WITHDRAWN, "Moved away", days_ago=1)
    assert "cannot be withdrawn next" in refused.value.problems["status"]


def test_the_correction_is_audited_with_the_step_it_corrects(signed_in):
    person = add_person(signed_in)
    referral = _refer(signed_in, person)
    _step(signed_in, referral, S.ACCEPTED)
    wrong = _tracked(signed_in, person).last_step
    assert wrong is not None
    _step(signed_in, referral, S.ACCEPTED, days_ago=3, corrects=wrong.id)  # the wrong date
    with signed_in.transaction(read_only=True) as db:
        details = [json.loads(d) for d in db.scalars(
            select(AuditEvent.detail).where(AuditEvent.record_type == "referral")
            .order_by(AuditEvent.seq))]
    assert details[-1] == {"referral": referral, "status": "accepted", "corrects": wrong.id}
    assert "corrects" not in details[-2]
    assert verify_audit_trail(session=signed_in).ok
    tracked = _tracked(signed_in, person)
    assert (tracked.state.status, tracked.state.since) == (S.ACCEPTED,
                                                           TODAY - timedelta(days=3))


def test_only_the_last_step_can_be_corrected(signed_in):
    person = add_person(signed_in)
    referral = _refer(signed_in, person)
    _step(signed_in, referral, S.ACKNOWLEDGED, days_ago=8)
    first = _tracked(signed_in, person).last_step
    _step(signed_in, referral, S.ACCEPTED)
    assert first is not None
    with pytest.raises(InvalidInput) as refused:
        _step(signed_in, referral, S.ACCEPTED, days_ago=7, corrects=first.id)
    assert refused.value.problems["corrects"].startswith(
        "Only the referral's last step can be corrected")
    assert len(_tracked(signed_in, person).steps) == 2  # nothing stored


def test_a_step_of_another_referral_or_one_corrected_already_is_refused(signed_in):
    person = add_person(signed_in)
    mine, other = _refer(signed_in, person), _refer(signed_in, person, days_ago=9)
    _step(signed_in, other, S.ACCEPTED)
    _step(signed_in, mine, S.ACKNOWLEDGED)
    by_id = {t.referral.id: t for t in referrals.of_person(session=signed_in,
                                                           person_id=person)}
    theirs, wrong = by_id[other].last_step, by_id[mine].last_step
    assert theirs is not None and wrong is not None
    with pytest.raises(InvalidInput) as refused:
        _step(signed_in, mine, S.ACCEPTED, corrects=theirs.id)
    assert refused.value.problems == {
        "corrects": "That step is not one of this referral's, so it cannot be corrected here."}
    with pytest.raises(InvalidInput):
        _step(signed_in, mine, S.ACCEPTED, corrects="no-such-step")

    _step(signed_in, mine, S.ACCEPTED, corrects=wrong.id)
    with pytest.raises(InvalidInput) as refused:
        _step(signed_in, mine, S.DECLINED, "Full", corrects=wrong.id)  # corrected already
    assert refused.value.problems["corrects"].startswith("That step was corrected already")
    assert _tracked_of(signed_in, person, mine).state.status is S.ACCEPTED


def test_a_correction_of_a_correction_replays_from_the_step_before(signed_in):
    """The first wrong step stays replaced when its correction is corrected in turn."""
    person = add_person(signed_in)
    referral = _refer(signed_in, person)
    _step(signed_in, referral, S.ACKNOWLEDGED, days_ago=8)
    _step(signed_in, referral, S.ACCEPTED)
    wrong = _tracked(signed_in, person).last_step
    assert wrong is not None
    _step(signed_in, referral, S.DECLINED, "Full", corrects=wrong.id)
    again = _tracked(signed_in, person).last_step
    assert again is not None and again.status is S.DECLINED
    _step(signed_in, referral, S.WITHDRAWN, "Changed their mind", corrects=again.id)
    tracked = _tracked(signed_in, person)
    assert tracked.state.status is S.WITHDRAWN and tracked.corrected == {wrong.id, again.id}


def test_what_the_last_step_could_have_been(signed_in):
    person = add_person(signed_in)
    referral = _refer(signed_in, person)
    assert referrals.could_have_been(_tracked(signed_in, person)) == ()
    _step(signed_in, referral, S.ACKNOWLEDGED, days_ago=8)
    _step(signed_in, referral, S.ACCEPTED)
    assert referrals.could_have_been(_tracked(signed_in, person)) == (
        S.ACCEPTED, S.DECLINED, S.WITHDRAWN)  # after acknowledged, or accepted again


def test_the_correction_syncs_as_a_new_row_naming_the_wrong_one(signed_in):
    person = add_person(signed_in)
    referral = _refer(signed_in, person)
    _step(signed_in, referral, S.ACCEPTED)
    wrong = _tracked(signed_in, person).last_step
    assert wrong is not None
    _step(signed_in, referral, S.DECLINED, "No beds", corrects=wrong.id)
    waiting = EncryptedSyncStore(signed_in.open_store).pending_changes(100)
    sent = [c["fields"] for c in waiting if c["table"] == "referral_updates"]
    assert [f["status"] for f in sent] == ["accepted", "declined"]
    assert sent[0]["supersedes_id"] is None
    assert sent[1]["supersedes_id"] == wrong.id
    rows = [c["row_id"] for c in waiting if c["table"] == "referral_updates"]
    assert rows[0] == wrong.id and rows[1] != wrong.id  # a new row; the wrong one untouched


def _tracked_of(session, person: str, referral_id: str) -> referrals.Tracked:
    return next(t for t in referrals.of_person(session=session, person_id=person)
                if t.referral.id == referral_id)
