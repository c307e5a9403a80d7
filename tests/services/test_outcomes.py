"""TOP forms through the service: checked against the episode, stored append-only,
queued for sync, corrected by supersession, and read back as progress and what is due."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from app.domain.journey.kinds import Kind
from app.domain.outcomes.top import Days, FormKind, Rating, Substance, TopForm
from app.services import outcomes, people
from app.services.errors import InvalidInput
from app.services.journey import EventInput, record_event
from app.services.people import PersonInput
from app.store.sync.store import EncryptedSyncStore
from tests.careplan.helpers import add_person

TODAY = date(2026, 6, 1)


def _treated(session, person: str, on: date = date(2026, 1, 10)) -> None:
    record_event(session=session, person_id=person, today=TODAY,
                 typed=EventInput(Kind.REFERRAL_RECEIVED, on, "", {"source": "63"}, None))
    record_event(session=session, person_id=person, today=TODAY,
                 typed=EventInput(Kind.TRIAGE_DONE, on, "Harlow hub", {}, None))


def _form(person: str, on: date, opiates: int = 20, quality: int = 6, **kw) -> TopForm:
    return TopForm("", person, kw.pop("kind", FormKind.START), on,
                   use={Substance.OPIATES: Days(total_given=opiates)},
                   ratings={Rating.QUALITY_OF_LIFE: quality}, **kw)


def test_a_form_is_stored_queued_and_charted(signed_in) -> None:
    person = add_person(signed_in)
    _treated(signed_in, person)
    outcomes.record(session=signed_in, form=_form(person, date(2026, 1, 10)), today=TODAY)
    outcomes.record(session=signed_in, today=TODAY, form=_form(
        person, date(2026, 4, 10), opiates=8, quality=11, kind=FormKind.REVIEW))

    seen = outcomes.of_person(session=signed_in, person_id=person, today=TODAY)
    assert [f.kind for f in seen.forms] == [FormKind.START, FormKind.REVIEW]
    assert seen.forms[0].recorded_by == "Jo Bloggs"
    opiates = next(s for s in seen.progress.series if s.name == "use.opiates")
    assert [(p.on, p.value) for p in opiates.points] == [(date(2026, 1, 10), 20),
                                                        (date(2026, 4, 10), 8)]
    waiting = EncryptedSyncStore(signed_in.open_store).pending_changes(100)
    sent = [c["fields"] for c in waiting if c["table"] == "top_forms"]
    assert [f["kind"] for f in sent] == ["start", "review"]
    assert '"quality_of_life":11' in sent[1]["measures_json"]


def test_the_next_review_is_due_and_a_form_fills_it(signed_in) -> None:
    person = add_person(signed_in)
    _treated(signed_in, person)
    soon = date(2026, 1, 15)
    due = outcomes.of_person(session=signed_in, person_id=person, today=soon).due
    assert [(d.form, d.due_on) for d in due] == [("TOP at treatment start", date(2026, 1, 10)),
                                                ("TOP review", date(2026, 4, 10))]
    outcomes.record(session=signed_in, form=_form(person, date(2026, 1, 12)), today=soon)
    due = outcomes.of_person(session=signed_in, person_id=person, today=soon).due
    assert [d.form for d in due] == ["TOP review"]
    # Months later the start form's window has closed and the first review is open.
    due = outcomes.of_person(session=signed_in, person_id=person, today=TODAY).due
    assert (due[0].form, due[0].due_on) == ("TOP review", date(2026, 4, 10))


def test_a_form_dated_before_the_episode_is_refused_in_words(signed_in) -> None:
    person = add_person(signed_in)
    _treated(signed_in, person, date(2026, 2, 1))
    with pytest.raises(InvalidInput) as refused:
        outcomes.record(session=signed_in, form=_form(person, date(2026, 1, 20)), today=TODAY)
    assert "before this episode began on 01/02/2026" in refused.value.problems["completed_on"]
    assert outcomes.of_person(session=signed_in, person_id=person, today=TODAY).forms == ()


def test_impossible_answers_are_named_beside_their_boxes(signed_in) -> None:
    person = add_person(signed_in)
    _treated(signed_in, person)
    form = TopForm("", person, FormKind.START, date(2026, 1, 10),
                   use={Substance.CRACK: Days((8, 7, 7, 7))}, ratings={Rating.PHYSICAL: 21})
    with pytest.raises(InvalidInput) as refused:
        outcomes.record(session=signed_in, form=form, today=TODAY)
    assert set(refused.value.problems) == {"use.crack.week1", "rating.physical_health"}


def test_a_correction_supersedes_and_the_first_form_is_kept(signed_in) -> None:
    person = add_person(signed_in)
    _treated(signed_in, person)
    wrong = outcomes.record(session=signed_in, form=_form(person, date(2026, 1, 10), 25),
                            today=TODAY)
    right = outcomes.record(session=signed_in, today=TODAY, form=_form(
        person, date(2026, 1, 10), 15, supersedes=wrong.id))
    seen = outcomes.of_person(session=signed_in, person_id=person, today=TODAY)
    assert [f.id for f in seen.forms] == [right.id]
    with signed_in.transaction() as db, pytest.raises(Exception, match="append-only"):
        db.execute(text("UPDATE top_forms SET completed_on = '2026-01-01'"))


def test_a_correction_of_another_persons_form_is_refused(signed_in) -> None:
    ann = add_person(signed_in)
    bob = people.create_person(session=signed_in, person=PersonInput(
        given_name="Zebedee", family_name="Quartermaine", date_of_birth="01/02/1970")).id
    _treated(signed_in, ann)
    _treated(signed_in, bob)
    theirs = outcomes.record(session=signed_in, form=_form(ann, date(2026, 1, 10)),
                             today=TODAY)
    with pytest.raises(InvalidInput):
        outcomes.record(session=signed_in, today=TODAY,
                        form=_form(bob, date(2026, 1, 10), supersedes=theirs.id))
