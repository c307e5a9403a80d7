"""Metaphone keys, Jaro-Winkler and Damerau-Levenshtein on the names workers actually type."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.distance import damerau_levenshtein, jaro_winkler
from app.domain.names import compare_names
from app.domain.phonetic import fold, metaphone


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Smith", "Smythe"),
        ("Stephen", "Steven"),
        ("Catherine", "Kathryn"),
        ("Mohammed", "Muhammad"),
        ("MacDonald", "McDonald"),
        ("Reilly", "Riley"),
        ("Philips", "Phillips"),
        ("Jon", "John"),
        ("Darren", "Daren"),
        ("Schmidt", "Schmit"),
        ("O'Brien", "OBrien"),
    ],
)
def test_names_that_sound_alike_share_a_key(a, b):
    assert metaphone(a) == metaphone(b)
    assert metaphone(a)


@pytest.mark.parametrize(
    ("a", "b"), [("Smith", "Jones"), ("Darren", "Warren"), ("Taylor", "Walker"), ("Kerry", "Terry")]
)
def test_names_that_sound_different_get_different_keys(a, b):
    assert metaphone(a) != metaphone(b)


@pytest.mark.parametrize(
    ("name", "key"),
    [("Smith", "SM0"), ("Thompson", "0MPSN"), ("Knight", "NT"), ("Wright", "RT"),
     ("Xavier", "SFR"), ("Whalen", "WLN"), ("Charlotte", "XRLT"), ("Dumb", "TM")],
)
def test_metaphone_follows_the_published_rules(name, key):
    assert metaphone(name) == key


def test_fold_strips_accents_and_punctuation():
    assert fold("Zoë O'Brien-Smith") == "ZOEOBRIENSMITH"
    assert metaphone("123") == ""


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("MARTHA", "MARHTA", 0.961), ("DWAYNE", "DUANE", 0.84), ("DIXON", "DICKSONX", 0.813)],
)
def test_jaro_winkler_matches_the_textbook_values(a, b, expected):
    assert jaro_winkler(a, b) == pytest.approx(expected, abs=0.001)


@pytest.mark.parametrize(
    ("a", "b", "edits"),
    [("SMITH", "SIMTH", 1), ("KITTEN", "SITTING", 3), ("", "ABC", 3), ("JONES", "JONES", 0),
     ("CA", "ABC", 3)],  # optimal string alignment: no edit of a swapped pair
)
def test_damerau_levenshtein(a, b, edits):
    assert damerau_levenshtein(a, b) == edits


@given(st.text(alphabet="ABCDEFGH", max_size=8), st.text(alphabet="ABCDEFGH", max_size=8))
def test_distances_are_symmetric_and_bounded(a, b):
    assert damerau_levenshtein(a, b) == damerau_levenshtein(b, a)
    assert damerau_levenshtein(a, b) <= max(len(a), len(b))
    assert 0.0 <= jaro_winkler(a, b) <= 1.0
    assert (jaro_winkler(a, b) == 1.0) == (a == b and a != "")


@pytest.mark.parametrize(
    ("a", "b", "agreement"),
    [
        ("SMITH", "SMITH", "exact"),
        ("SMITH", "SMYTHE", "sounds"),
        ("JOHNSON", "JONHSON", "spelt"),  # a slip that changes the sound
        ("J", "JOHN", "initial"),
        ("SMITH", "JONES", "differs"),
        ("", "JONES", "missing"),
    ],
)
def test_compare_names(a, b, agreement):
    assert compare_names(a, b) == agreement
