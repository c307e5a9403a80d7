"""A save judged against the values the form was opened with (the base).

An answer someone else changed since is never overwritten silently: it comes back as
stale, naming the newer value and who set it, and the rest of the save goes through.
"""

from __future__ import annotations

import time

from app.services import assessment, people
from app.services.views import PersonInput


def _lee(session) -> str:
    return people.create_person(session=session, person=PersonInput(
        given_name="Lee", family_name="Walker", date_of_birth="02/03/1990", sex="1")).id


def _values(session, person_id) -> dict:
    return assessment.load_assessment(session=session, person_id=person_id).values


def test_a_changed_base_refuses_that_field_and_saves_the_rest(signed_in):
    lee = _lee(signed_in)
    assessment.save_section(session=signed_in, person_id=lee, section="substances",
                            typed={"drug1": "alcohol"})
    assessment.save_section(session=signed_in, person_id=lee, section="substances",
                            typed={"drug1": "crack"})  # 'someone else', after the form opened
    saved = assessment.save_section(
        session=signed_in, person_id=lee, section="substances",
        typed={"drug1": "heroin", "drug1_age_first_used": "19"},
        base={"drug1": "alcohol", "drug1_age_first_used": None})
    [stale] = saved.stale
    assert (stale.field, stale.yours, stale.opened_with, stale.newer, stale.by_name) == (
        "drug1", "heroin", "alcohol", "crack", "Jo Bloggs")
    assert stale.at_utc
    assert [c.field for c in saved.changes] == ["drug1_age_first_used"]
    assert _values(signed_in, lee)["substances"] == {"drug1": "crack",
                                                     "drug1_age_first_used": 19}


def test_writing_over_the_newer_value_is_a_save_based_on_it(signed_in):
    lee = _lee(signed_in)
    assessment.save_section(session=signed_in, person_id=lee, section="substances",
                            typed={"drug1": "crack"})
    saved = assessment.save_section(session=signed_in, person_id=lee, section="substances",
                                    typed={"drug1": "heroin"}, base={"drug1": "crack"})
    assert saved.stale == () and [(c.old, c.new) for c in saved.changes] == [
        ("crack", "heroin")]


def test_typing_what_the_record_now_holds_is_no_conflict(signed_in):
    lee = _lee(signed_in)
    assessment.save_section(session=signed_in, person_id=lee, section="substances",
                            typed={"drug1": "crack"})
    saved = assessment.save_section(session=signed_in, person_id=lee, section="substances",
                                    typed={"drug1": "crack"}, base={"drug1": "alcohol"})
    assert saved.stale == () and saved.changes == ()


def test_without_a_base_nothing_is_checked(signed_in):
    """The CLI and imports say exactly what to write."""
    lee = _lee(signed_in)
    assessment.save_section(session=signed_in, person_id=lee, section="substances",
                            typed={"drug1": "crack"})
    saved = assessment.save_section(session=signed_in, person_id=lee, section="substances",
                                    typed={"drug1": "alcohol"})
    assert saved.stale == () and _values(signed_in, lee)["substances"]["drug1"] == "alcohol"


def test_a_triage_refuses_stale_answers_and_still_records_the_contact(signed_in):
    lee = _lee(signed_in)
    assessment.save_section(session=signed_in, person_id=lee, section="substances",
                            typed={"drug1": "crack"})
    saved = assessment.save_triage(
        session=signed_in, person_id=lee,
        typed={"substances": {"drug1": "alcohol", "alcohol_drinking_days": "3"}},
        base={"substances": {"drug1": None, "alcohol_drinking_days": None}})
    assert [a.field for a in saved.stale] == ["drug1"] and saved.change_count == 1
    assert saved.contact.setting == "custody"
    assert _values(signed_in, lee)["substances"] == {"drug1": "crack",
                                                     "alcohol_drinking_days": 3}


def test_changed_by_names_who_set_the_current_value(signed_in):
    lee = _lee(signed_in)
    assessment.save_section(session=signed_in, person_id=lee, section="housing",
                            typed={"housing_notes": "tent"})
    found = assessment.changed_by(session=signed_in, person_id=lee,
                                  now={("housing", "housing_notes"): "tent",
                                       ("housing", "accommodation_need"): None})
    assert list(found) == [("housing", "housing_notes")]
    assert found[("housing", "housing_notes")].worker_name == "Jo Bloggs"


def test_a_section_whose_every_answer_was_stale_is_not_marked_checked(signed_in):
    """Confirming it would say it was checked with the person when nothing was saved."""
    lee = _lee(signed_in)
    assessment.save_section(session=signed_in, person_id=lee, section="substances",
                            typed={"drug1": "alcohol"})
    assessment.save_section(session=signed_in, person_id=lee, section="substances",
                            typed={"drug1": "crack"})  # someone else, after the form opened
    before = assessment.load_assessment(session=signed_in, person_id=lee).confirmations
    time.sleep(1.05)  # check stamps are to the second: a new one would differ
    saved = assessment.save_section(session=signed_in, person_id=lee, section="substances",
                                    typed={"drug1": "heroin"}, base={"drug1": "alcohol"})
    assert [a.field for a in saved.stale] == ["drug1"] and saved.changes == ()
    after = assessment.load_assessment(session=signed_in, person_id=lee).confirmations
    assert after["substances"] == before["substances"]
