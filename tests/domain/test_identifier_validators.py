"""PNC IDs, prison numbers and NHS numbers: good values normalise, bad ones explain themselves."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from app.domain.errors import InvalidNhsNumber, InvalidPncId, InvalidPrisonNumber, InvalidValue
from app.domain.identifiers import (
    format_nhs_number,
    nhs_check_digit,
    normalise_nhs_number,
    normalise_pnc_id,
    normalise_prison_number,
    pnc_check_letter,
)

# --- PNC ID ------------------------------------------------------------------------------
# Each expected letter was worked out by hand from the rule: yy + 7-digit serial, mod 23,
# index into ZABCDEFGHJKLMNPQRTUVWXY (Z=0, A=1, ... G=7, ... N=13).
HAND_COMPUTED = [
    ("2019/0012345G", 2019, 12345),  # 190012345 = 23*8261406 + 7  -> G
    ("1999/0000001G", 1999, 1),  # 990000001 = 23*43043478 + 7 -> G
    ("2003/0654321N", 2003, 654321),  # 30654321 = 23*1332796 + 13 -> N
    ("2020/0000000D", 2020, 0),  # 200000000 = 23*8695652 + 4 -> D
    ("2011/0000123A", 2011, 123),  # 110000123 = 23*4782614 + 1 -> A
    ("2000/0000023Z", 2000, 23),  # 23 = 23*1 + 0 -> Z
]


@pytest.mark.parametrize(("pnc", "year", "serial"), HAND_COMPUTED)
def test_pnc_check_letter_matches_hand_computed_examples(pnc, year, serial):
    assert pnc_check_letter(year, serial) == pnc[-1]
    assert normalise_pnc_id(pnc) == pnc


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("20190012345G", "2019/0012345G"),  # slash dropped by some systems
        ("2019/12345G", "2019/0012345G"),  # serial not zero-padded
        (" 2019/0012345g ", "2019/0012345G"),  # lower case and stray spaces
        ("2011 / 123A", "2011/0000123A"),
    ],
)
def test_pnc_id_is_normalised(typed, expected):
    assert normalise_pnc_id(typed) == expected


def test_pnc_wrong_check_letter_is_refused_with_the_expected_letter():
    with pytest.raises(InvalidPncId) as caught:
        normalise_pnc_id("2019/0012345T")
    message = str(caught.value)
    assert "check letter" in message
    assert "G" in caught.value.problem
    assert "mistyped" in caught.value.fix


@pytest.mark.parametrize(
    ("typed", "clue"),
    [
        ("19/12345G", "Type the year in full"),
        ("1850/0012345G", "not possible"),
        ("2019/12345678G", "format"),  # eight-digit serial
        ("2019/0012345", "format"),  # no check letter
        ("", "empty"),
    ],
)
def test_bad_pnc_ids_say_what_is_wrong(typed, clue):
    with pytest.raises(InvalidPncId) as caught:
        normalise_pnc_id(typed)
    assert clue in str(caught.value)
    assert caught.value.fix  # there is always advice on how to fix it


def test_pnc_year_after_today_is_refused():
    with pytest.raises(InvalidPncId, match="not possible"):
        normalise_pnc_id("2031/0000001" + pnc_check_letter(2031, 1), today=date(2025, 1, 1))


def test_pnc_error_is_a_value_error_for_generic_callers():
    with pytest.raises(ValueError):
        normalise_pnc_id("nonsense")


@st.composite
def valid_pnc(draw):
    year = draw(st.integers(min_value=1900, max_value=2099))
    serial = draw(st.integers(min_value=0, max_value=9_999_999))
    return f"{year}/{serial:07d}{pnc_check_letter(year, serial)}"


@given(valid_pnc())
def test_any_generated_pnc_id_passes(pnc):
    assert normalise_pnc_id(pnc) == pnc
    assert normalise_pnc_id(pnc.replace("/", "")) == pnc


@given(valid_pnc(), st.integers(min_value=0, max_value=8), st.integers(1, 9))
def test_changing_any_checked_digit_of_a_pnc_id_fails(pnc, position, shift):
    # The check covers the last two year digits and the seven serial digits; the century
    # digits are not part of the rule (2019 and 1919 share a letter), so we leave them be.
    checked_positions = [2, 3, 5, 6, 7, 8, 9, 10, 11]
    index = checked_positions[position]
    digit = (int(pnc[index]) + shift) % 10
    changed = pnc[:index] + str(digit) + pnc[index + 1 :]
    with pytest.raises(InvalidPncId):
        normalise_pnc_id(changed)


# --- Prison number -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "expected"),
    [("A1234BC", "A1234BC"), ("a1234bc", "A1234BC"), (" A 1234 BC ", "A1234BC")],
)
def test_prison_number_is_normalised(typed, expected):
    assert normalise_prison_number(typed) == expected


@pytest.mark.parametrize("typed", ["A123BC", "11234BC", "A1234B", "AB1234C", "A1234BCD", ""])
def test_bad_prison_numbers_are_refused_with_the_format(typed):
    with pytest.raises(InvalidPrisonNumber) as caught:
        normalise_prison_number(typed)
    assert "one letter, four digits, two letters" in str(caught.value)


def test_letter_o_in_a_prison_number_gets_a_specific_hint():
    with pytest.raises(InvalidPrisonNumber, match="zero, not the letter O"):
        normalise_prison_number("A12O4BC")


# --- NHS number --------------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["943 476 5919", "9434765919", "943-476-5919", "401 023 2137"])
def test_valid_nhs_numbers_are_normalised_to_ten_digits(typed):
    assert normalise_nhs_number(typed) == typed.replace(" ", "").replace("-", "")


def test_nhs_check_digit_hand_computed():
    # 9*10 + 4*9 + 3*8 + 4*7 + 7*6 + 6*5 + 5*4 + 9*3 + 1*2 = 299; 299 % 11 = 2; 11 - 2 = 9
    assert nhs_check_digit("943476591") == 9


def test_nhs_number_whose_check_digit_would_be_ten_is_invalid():
    # Only the ninth digit is non-zero: 6 * weight 2 = 12; 12 % 11 = 1; 11 - 1 = 10,
    # which no single digit can hold, so no number starting 000000006 is valid.
    assert nhs_check_digit("000000006") is None
    for last in "0123456789":
        with pytest.raises(InvalidNhsNumber, match="check digit"):
            normalise_nhs_number("000000006" + last)


@pytest.mark.parametrize(
    ("typed", "clue"),
    [
        ("943 476 5918", "check digit"),
        ("943 476 591", "10 digits"),
        ("94347659190", "10 digits"),
        ("943 476 591X", "10 digits"),
        ("0000000000", "placeholder"),
    ],
)
def test_bad_nhs_numbers_say_what_is_wrong(typed, clue):
    with pytest.raises(InvalidNhsNumber) as caught:
        normalise_nhs_number(typed)
    assert clue in str(caught.value)


def test_nhs_number_is_shown_three_three_four():
    assert format_nhs_number("9434765919") == "943 476 5919"


@st.composite
def valid_nhs(draw):
    first_nine = draw(st.text(alphabet="0123456789", min_size=9, max_size=9))
    check = nhs_check_digit(first_nine)
    assume(check is not None)
    candidate = first_nine + str(check)
    assume(len(set(candidate)) > 1)
    return candidate


@given(valid_nhs())
def test_any_generated_nhs_number_passes(nhs):
    assert normalise_nhs_number(nhs) == nhs
    assert normalise_nhs_number(format_nhs_number(nhs)) == nhs


@given(valid_nhs(), st.integers(0, 9), st.integers(1, 9))
def test_changing_any_single_nhs_digit_fails(nhs, index, shift):
    digit = (int(nhs[index]) + shift) % 10
    changed = nhs[:index] + str(digit) + nhs[index + 1 :]
    with pytest.raises(InvalidNhsNumber):
        normalise_nhs_number(changed)


def test_all_domain_errors_carry_problem_and_fix():
    for call in (
        lambda: normalise_pnc_id("x"),
        lambda: normalise_prison_number("x"),
        lambda: normalise_nhs_number("x"),
    ):
        with pytest.raises(InvalidValue) as caught:
            call()
        assert caught.value.problem and caught.value.fix and caught.value.field
