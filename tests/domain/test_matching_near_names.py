"""A near-identical person on the same date of birth is a strong (LIKELY)
match that stops the save; near dates and common names alone are shown, never stop."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.matching import MatchLevel, find_likely_matches, score_pair
from app.domain.names import are_nicknames, compare_names, name_parts
from app.domain.person import Alias, Identifiers, Person, PersonName

BORN = date(1985, 3, 14)


def make(given_name: str, family: str, dob: date | None = BORN, sex: str = "",
         pid: str = "", **kwargs) -> Person:
    return Person(id=pid, name=PersonName(given_name, family), date_of_birth=dob, sex=sex,
                  **kwargs)


def level(typed: Person, existing: Person) -> MatchLevel | None:
    found = find_likely_matches(typed, [existing])
    return found[0].level if found else None


@pytest.mark.parametrize(
    ("on_file", "typed"),
    [
        (("Zebedee", "QUARTERMAINE"), ("Zebedy", "Quartermain")),  # the trial's two
        (("Zebedee", "QUARTERMAINE"), ("Zebedie", "Quartermayne")),
        (("Zebedee", "Quartermaine"), ("Zebedee", "Quatermain")),  # a slip, not a sound
        (("Mohammed", "Khan"), ("Muhammad", "Khan")),
        (("Mohammed", "Khan"), ("Mohamed", "Kahn")),
        (("Stephen", "Smith"), ("Steven", "Smyth")),
        (("Catherine", "Jones"), ("Kathryn", "Jones")),
        (("Darren", "Smith"), ("Darren", "Smyth")),
        (("William", "Jones"), ("Bill", "Jones")),  # nickname
        (("Catherine", "Jones"), ("Kate", "Jones")),
        (("Anna", "Smith-Jones"), ("Anna", "Jones")),  # one half of a double barrel
        (("Anna", "Smith-Jones"), ("Ana", "Smith")),
        (("Anna", "Smith Jones"), ("Anna", "Smith-Jones")),  # hyphen or space
        (("Thomas", "Quartermaine"), ("Quartermaine", "Tomas")),  # swapped and misspelt
    ],
)
def test_near_name_on_the_same_date_of_birth_is_strong_without_sex(on_file, typed):
    existing = make(*on_file, pid="on-file")
    assert level(make(*typed), existing) is MatchLevel.LIKELY
    assert level(make(*typed, sex="1"), make(*on_file, sex="1", pid="x")) is MatchLevel.LIKELY


def test_the_evidence_says_why():
    _score, evidence = score_pair(make("Zebedy", "Quartermain"),
                                 make("Zebedee", "QUARTERMAINE", pid="z"))
    assert "same date of birth 14/03/1985" in evidence
    assert "surname sounds like QUARTERMAINE" in evidence
    assert "first name sounds like ZEBEDEE" in evidence
    assert "one part of a double-barrelled surname matches" in score_pair(
        make("Anna", "Jones"), make("Anna", "Smith-Jones", pid="a"))[1]
    assert "first name is another form of WILLIAM" in score_pair(
        make("Bill", "Jones"), make("William", "Jones", pid="w"))[1]


def test_alias_and_identifier_are_strong():
    known = make("Darren", "Smith", pid="d", aliases=(Alias("Dazza Q", "alias"),),
                 identifiers=Identifiers(prison_number="A1234BC"))
    assert level(make("Dazza", "Q"), known) is MatchLevel.LIKELY
    assert level(make("Someone", "Else", dob=None,
                      identifiers=Identifiers(prison_number="A1234BC")), known) \
        is MatchLevel.LIKELY


@pytest.mark.parametrize(
    "typed_dob",
    [date(1985, 3, 15),  # one digit off
     date(1985, 4, 14),  # one digit off in the month
     date(1958, 3, 14)],  # neighbours swapped in the year
)
def test_a_near_name_on_a_nearly_equal_date_is_shown_but_not_strong(typed_dob):
    existing = make("Zebedee", "Quartermaine", pid="z", sex="1")
    assert level(make("Zebedy", "Quartermain", typed_dob, sex="1"), existing) \
        is MatchLevel.POSSIBLE


def test_day_and_month_swapped_is_shown_but_not_strong():
    existing = make("Lisa", "Hall", date(1991, 3, 7), sex="2", pid="l")
    assert level(make("Lisa", "Hall", date(1991, 7, 3), sex="2"), existing) \
        is MatchLevel.POSSIBLE


def test_a_common_surname_with_a_different_date_of_birth_is_not_strong():
    smiths = [make("John", "Smith", date(1960 + n, 1 + n % 12, 1 + n % 28), pid=f"s{n}",
                   sex="1") for n in range(40)]
    found = find_likely_matches(make("John", "Smith", date(1979, 6, 18), sex="1"), smiths)
    assert all(m.level is MatchLevel.POSSIBLE for m in found)


def test_twins_share_a_date_of_birth_and_surname_but_are_not_strong():
    zebedee = make("Zebedee", "Quartermaine", pid="z", sex="1")
    assert level(make("Zachary", "Quartermaine", sex="1"), zebedee) is MatchLevel.POSSIBLE


def test_sound_alike_surname_alone_on_the_same_date_is_shown_but_not_strong():
    assert level(make("Wayne", "Smyth"), make("Darren", "Smith", pid="d")) \
        is MatchLevel.POSSIBLE


def test_a_conflicting_pnc_id_keeps_a_near_name_from_stopping_the_save():
    existing = make("Zebedee", "Quartermaine", pid="z",
                    identifiers=Identifiers(pnc_id="2003/0654321N"))
    typed = make("Zebedy", "Quartermain", identifiers=Identifiers(pnc_id="2019/0012345G"))
    assert level(typed, existing) is not MatchLevel.LIKELY


def test_nicknames_are_for_first_names_only():
    assert are_nicknames("BILL", "WILLIAM") and are_nicknames("SAM", "SAMANTHA")
    assert not are_nicknames("BILL", "ROBERT")
    assert compare_names("BILL", "WILLIAM", given=True) == "nickname"
    assert compare_names("BILL", "WILLIAM") == "differs"


def test_name_parts():
    assert name_parts("Smith-Jones") == ("SMITH", "JONES")
    assert name_parts("de la Cruz") == ("DE", "LA", "CRUZ")
    assert name_parts("O'Brien") == ()


def test_a_match_strong_by_identifier_alone_is_never_cut_off_by_namesakes():
    namesakes = [make("Zebedee", "Quartermaine", date(1985, 3, 15), pid=f"n{i}")
                 for i in range(10)]  # POSSIBLE, and each scores higher than the one below
    by_number = make("Robert", "Green", date(1970, 1, 1), pid="pnc",
                     identifiers=Identifiers(pnc_id="2003/0654321N"))
    typed = make("Zebedee", "Quartermaine", identifiers=Identifiers(pnc_id="2003/0654321N"))
    found = find_likely_matches(typed, [*namesakes, by_number], limit=3)
    assert found[0].person.id == "pnc" and found[0].level is MatchLevel.LIKELY
