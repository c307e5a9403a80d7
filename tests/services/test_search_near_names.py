"""Search finds near spellings and dates of birth, and an empty result
can say what was looked for."""

from __future__ import annotations

from datetime import date

import pytest

from app.services import people
from app.services.caseload import nobody_found_message, read_search, search_people
from app.services.views import PersonInput


@pytest.fixture
def zebedee(signed_in):
    found = people.create_person(session=signed_in, person=PersonInput(
        given_name="Zebedee", family_name="QUARTERMAINE", date_of_birth="14/03/1985"))
    people.create_person(session=signed_in, person=PersonInput(
        given_name="Anna", family_name="Smith-Jones", date_of_birth="02/07/1990"))
    people.create_person(session=signed_in, person=PersonInput(
        given_name="Darren", family_name="Quinn", date_of_birth="14/03/1986"))
    return found.id


def _ids(session, typed):
    return [p.id for p in search_people(session=session, text=typed)]


@pytest.mark.parametrize("typed", ["Quartermane", "quartermayne", "Zebedy Quartermain",
                                   "Quarterm", "zebedie"])
def test_near_spellings_find_the_person(signed_in, zebedee, typed):
    assert _ids(signed_in, typed) == [zebedee]


@pytest.mark.parametrize("typed", ["14/03/1985", "14/3/85", "1985-03-14", "14.03.1985"])
def test_a_date_of_birth_in_any_usual_format_finds_the_person(signed_in, zebedee, typed):
    assert _ids(signed_in, typed) == [zebedee]


def test_a_date_and_a_name_together_must_both_match(signed_in, zebedee):
    assert _ids(signed_in, "quartermane 14/3/85") == [zebedee]
    assert _ids(signed_in, "quinn 14/3/85") == []


def test_exact_prefixes_come_before_sound_alikes(signed_in, zebedee):
    people.create_person(session=signed_in, person=PersonInput(
        given_name="Zara", family_name="Quartermane", date_of_birth="01/01/1990"))
    found = search_people(session=signed_in, text="Quartermane")
    assert [p.family_name for p in found] == ["Quartermane", "QUARTERMAINE"]


def test_one_half_of_a_double_barrelled_name_is_found_by_sound(signed_in, zebedee):
    assert [p.family_name for p in search_people(session=signed_in, text="Joness")] \
        == ["Smith-Jones"]


def test_nobody_found_says_what_was_looked_for(signed_in, zebedee):
    assert _ids(signed_in, "Okonkwo 01/02/1970") == []
    message = nobody_found_message(text="Okonkwo 1/2/70")
    assert "born 01/02/1970" in message and "'Okonkwo'" in message
    assert "Ctrl+N" in message
    assert "named like 'Quartermane' (spelling or sound)" in nobody_found_message(
        text="Quartermane")


def test_reading_dates_from_the_search_box():
    today = date(2026, 5, 1)
    assert read_search("smith 14/3/85", today) == ("smith", frozenset({date(1985, 3, 14)}))
    assert read_search("1/2/10", today)[1] == frozenset({date(1910, 2, 1), date(2010, 2, 1)})
    assert read_search("31/02/1985", today) == ("31/02/1985", frozenset())  # not a date
    assert read_search("2001/0000001Q", today) == ("2001/0000001Q", frozenset())  # a PNC
