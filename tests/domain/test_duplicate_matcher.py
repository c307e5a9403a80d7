"""Find before create: the matcher finds the same person behind typos and aliases, with
evidence, and does not flood the screen with every John Smith on the caseload."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.linkage import blocking_keys, name_variants, ndtms_linkage_key
from app.domain.matching import (
    LIKELY_SCORE,
    MatchLevel,
    find_likely_matches,
    score_pair,
)
from app.domain.person import Address, Alias, Identifiers, Person, PersonName

COMMON_GIVEN = ["John", "David", "Michael", "James", "Paul", "Mark", "Daniel", "Lee", "Craig",
                "Jason", "Wayne", "Gary", "Sarah", "Emma", "Lisa", "Claire", "Kelly", "Nicola"]
COMMON_FAMILY = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
                 "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Green", "Hall"]


def make(given_name, family, dob=None, sex="1", pid="", **kwargs):
    return Person(id=pid, name=PersonName(given_name, family), date_of_birth=dob, sex=sex,
                  **kwargs)


@pytest.fixture(scope="module")
def crowd():
    """2,000 people with common names; one in five is a John Smith."""
    rng = random.Random(20250615)
    people = []
    for i in range(2000):
        if i % 5 == 0:
            given_name, family = "John", "Smith"
        else:
            given_name, family = rng.choice(COMMON_GIVEN), rng.choice(COMMON_FAMILY)
        dob = date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 45))
        people.append(make(given_name, family, dob, pid=f"crowd-{i:04d}"))
    return people


DARREN = make("Darren", "Smythe", date(1984, 11, 23), pid="darren",
              aliases=(Alias("Dazza", "nickname"),),
              identifiers=Identifiers(pnc_id="2003/0654321N", nhs_number="9434765919"))


def test_misspelt_surname_is_found_with_evidence(crowd):
    typed = make("Darren", "Smith", date(1984, 11, 23))
    matches = find_likely_matches(typed, [*crowd, DARREN])
    assert matches[0].person.id == "darren"
    assert matches[0].level is MatchLevel.LIKELY
    assert "surname sounds like SMYTHE" in matches[0].evidence
    assert "same date of birth 23/11/1984" in matches[0].evidence


def test_typing_slip_that_changes_the_sound_is_still_found(crowd):
    typed = make("Darren", "Snythe", date(1984, 11, 23))  # N is next to M
    top = find_likely_matches(typed, [*crowd, DARREN])[0]
    assert top.person.id == "darren" and top.level is MatchLevel.LIKELY
    assert "surname spelt like SMYTHE" in top.evidence


def test_alias_is_found_with_evidence(crowd):
    typed = make("Dazza", "Smythe", date(1984, 11, 23))
    top = find_likely_matches(typed, [*crowd, DARREN])[0]
    assert top.person.id == "darren" and top.level is MatchLevel.LIKELY
    assert "alias 'Dazza' matches" in top.evidence


def test_full_name_alias_with_a_different_surname_is_found():
    married = make("Kelly", "Jones", date(1990, 2, 3), sex="2", pid="kelly",
                   aliases=(Alias("Kelly Brown", "previous_name"),))
    top = find_likely_matches(make("Kelly", "Brown", date(1990, 2, 3), sex="2"), [married])[0]
    assert top.person.id == "kelly" and top.level is MatchLevel.LIKELY
    assert "alias 'Kelly Brown' matches" in top.evidence


@pytest.mark.parametrize(
    ("identifiers", "sentence"),
    [
        (Identifiers(pnc_id="2003/0654321N"), "same PNC ID 2003/0654321N"),
        (Identifiers(nhs_number="9434765919"), "same NHS number 9434765919"),
    ],
)
def test_identifier_alone_finds_the_person(crowd, identifiers, sentence):
    # A completely different name and no date of birth: the identifier carries it.
    typed = make("D", "Smithers", identifiers=identifiers)
    top = find_likely_matches(typed, [*crowd, DARREN])[0]
    assert top.person.id == "darren" and top.level is MatchLevel.LIKELY
    assert sentence in top.evidence


def test_conflicting_pnc_id_counts_against_a_match():
    same_pnc = score_pair(replace(DARREN, id=""), DARREN)[0]
    other = replace(DARREN, id="", identifiers=Identifiers(pnc_id="2019/0012345G"))
    score, evidence = score_pair(other, DARREN)
    assert score < same_pnc - 90
    assert "different PNC ID (2003/0654321N on the existing record)" in evidence


def test_common_name_with_a_different_dob_does_not_flood(crowd):
    john_smiths = sum(p.name == PersonName("John", "Smith") for p in crowd)
    assert john_smiths >= 400  # the crowd really is full of John Smiths
    typed = make("John", "Smith", date(1979, 4, 18))
    matches = find_likely_matches(typed, crowd, limit=50)
    assert len(matches) <= 3
    assert all(m.level is MatchLevel.POSSIBLE for m in matches)
    assert all("date of birth nearly matches" in " ".join(m.evidence) for m in matches)


def test_names_alone_never_reach_likely(crowd):
    typed = make("John", "Smith")  # no date of birth yet
    matches = find_likely_matches(typed, crowd, limit=1000)
    assert matches, "exact names are worth showing as possible"
    assert all(m.level is MatchLevel.POSSIBLE and m.score < LIKELY_SCORE for m in matches)
    assert len(find_likely_matches(typed, crowd, limit=10)) == 10
    assert find_likely_matches(typed, crowd, min_level=MatchLevel.LIKELY) == []


def test_same_date_of_birth_with_a_different_name_is_not_shown():
    stranger = make("Wayne", "Green", date(1984, 11, 23), pid="w")
    assert find_likely_matches(make("Darren", "Smythe", date(1984, 11, 23)), [stranger]) == []


def test_day_and_month_swapped_counts_as_nearly_the_same_dob():
    existing = make("Lisa", "Hall", date(1991, 3, 7), sex="2", pid="lisa")
    score, evidence = score_pair(make("Lisa", "Hall", date(1991, 7, 3), sex="2"), existing)
    assert "date of birth nearly matches (07/03/1991 on the existing record)" in evidence
    assert score > score_pair(make("Lisa", "Hall", date(1995, 1, 1), sex="2"), existing)[0]


def test_swapped_first_name_and_surname_is_found():
    existing = make("Thomas", "James", date(1975, 5, 5), pid="t")
    top = find_likely_matches(make("James", "Thomas", date(1975, 5, 5)), [existing])[0]
    assert top.level is MatchLevel.LIKELY
    assert "first name and surname appear swapped" in top.evidence


def test_same_postcode_adds_evidence():
    existing = make("Lee", "Hall", date(1980, 1, 1), pid="l", address=Address(postcode="CO1 1AA"))
    typed = make("Lee", "Hall", date(1980, 1, 1), address=Address(postcode="co11aa"))
    assert "same postcode CO1 1AA" in score_pair(typed, existing)[1]


def test_the_candidate_itself_is_not_reported():
    assert find_likely_matches(DARREN, [DARREN]) == []


def test_results_are_ordered_best_first_and_limited(crowd):
    matches = find_likely_matches(make("John", "Smith"), crowd, limit=5)
    assert len(matches) == 5
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


# --- linkage and blocking keys ----------------------------------------------------------------
def test_ndtms_linkage_key():
    assert ndtms_linkage_key(DARREN) == "DS23111984M"
    assert ndtms_linkage_key(replace(DARREN, sex="")) is None
    assert ndtms_linkage_key(replace(DARREN, date_of_birth=None)) is None


def test_aliases_become_name_variants():
    sources = [(v.given, v.family, v.source) for v in name_variants(DARREN)]
    assert ("DAZZA", "SMYTHE", "alias") in sources
    assert ("SMYTHE", "DARREN", "swapped") in sources


def test_blocking_keys_cover_identifiers_dob_and_sounds():
    keys = blocking_keys(DARREN)
    assert {"pnc:2003/0654321N", "nhs:9434765919", "dob:1984-11-23"} <= keys
    assert "name:TRN|SM0" in keys  # Darren Smythe
    assert "name:TS|SM0" in keys  # Dazza Smythe, via the alias
    assert blocking_keys(make("Darren", "Smith")) & keys  # the misspelling shares a key


def test_people_with_nothing_in_common_share_no_blocking_key():
    assert not blocking_keys(make("Wayne", "Green", date(1970, 1, 1))) & blocking_keys(DARREN)


names = st.sampled_from(["Smith", "Smyth", "Smythe", "Jones", "Jonas", "Darren", "Daren",
                         "Dazza", "John", "Jon", "Kelly", "Kelley", "Hall"])
dobs = st.one_of(st.none(), st.dates(date(1984, 11, 20), date(1984, 11, 26)))
pncs = st.sampled_from(["", "2003/0654321N", "2019/0012345G"])


@st.composite
def people(draw):
    aliases = tuple(Alias(a, "nickname") for a in draw(st.lists(names, max_size=2)))
    return Person(id=draw(st.uuids()).hex, name=PersonName(draw(names), draw(names)),
                  date_of_birth=draw(dobs), sex=draw(st.sampled_from(["1", "2", ""])),
                  aliases=aliases, identifiers=Identifiers(pnc_id=draw(pncs)))


@settings(max_examples=300, deadline=None)
@given(people(), people())
def test_every_likely_pair_shares_a_blocking_key(a, b):
    # The store finds candidates through blocking keys; a LIKELY duplicate must never hide.
    score, _ = score_pair(a, b)
    if score >= LIKELY_SCORE:
        assert blocking_keys(a) & blocking_keys(b)


@settings(max_examples=200, deadline=None)
@given(people(), people())
def test_scores_are_symmetric_enough_to_not_depend_on_entry_order(a, b):
    # Evidence wording names the existing record, but the score is the same both ways.
    assert score_pair(a, b)[0] == score_pair(b, a)[0]
