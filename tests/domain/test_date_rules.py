"""Dates as UK workers type them, date-of-birth sanity, age and the young people's pathway."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.dates import age_on, is_young_person, parse_date, validate_date_of_birth
from app.domain.errors import InvalidDate

TODAY = date(2025, 6, 15)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("07/03/1986", date(1986, 3, 7)),
        ("7/3/1986", date(1986, 3, 7)),
        ("07-03-1986", date(1986, 3, 7)),
        ("07.03.1986", date(1986, 3, 7)),
        ("1986-03-07", date(1986, 3, 7)),
        (" 29/02/2000 ", date(2000, 2, 29)),
    ],
)
def test_parse_date_reads_uk_and_iso(typed, expected):
    assert parse_date(typed) == expected


def test_day_comes_before_month():
    # The trap for software written elsewhere: 01/02 is 1 February in the UK.
    assert parse_date("01/02/1990") == date(1990, 2, 1)


@pytest.mark.parametrize(
    ("typed", "clue"),
    [
        ("31/02/1990", "February 1990 has 28 days"),
        ("29/02/2001", "February 2001 has 28 days"),
        ("31/04/1990", "April 1990 has 30 days"),
        ("12/13/1990", "months run from 01 to 12"),
        ("07/03/86", "Type the year in full"),
        ("07/03/986", "Type the year in full"),
        ("yesterday", "not a date we can read"),
        ("", "empty"),
    ],
)
def test_bad_dates_say_what_is_wrong_and_how_to_fix_it(typed, clue):
    with pytest.raises(InvalidDate) as caught:
        parse_date(typed)
    assert clue in str(caught.value)
    assert caught.value.fix


def test_future_date_of_birth_is_refused():
    with pytest.raises(InvalidDate, match="in the future"):
        validate_date_of_birth("16/06/2025", today=TODAY)


def test_absurdly_old_date_of_birth_is_refused():
    with pytest.raises(InvalidDate, match="121 years old"):
        validate_date_of_birth(date(1904, 1, 1), today=TODAY)


def test_reasonable_date_of_birth_passes_and_today_is_allowed():
    assert validate_date_of_birth("07/03/1986", today=TODAY) == date(1986, 3, 7)
    assert validate_date_of_birth(TODAY, today=TODAY) == TODAY


@pytest.mark.parametrize(
    ("dob", "expected"),
    [
        (date(2007, 6, 15), 18),  # 18th birthday today
        (date(2007, 6, 16), 17),  # 18 tomorrow
        (date(1986, 3, 7), 39),
        (date(2004, 2, 29), 21),
    ],
)
def test_age_on(dob, expected):
    assert age_on(dob, TODAY) == expected


def test_under_18_is_young_person_and_18th_birthday_is_adult():
    assert is_young_person(date(2007, 6, 16), TODAY)
    assert not is_young_person(date(2007, 6, 15), TODAY)


def test_leap_day_birthday_counts_from_first_of_march_in_other_years():
    dob = date(2008, 2, 29)
    assert age_on(dob, date(2026, 2, 28)) == 17
    assert age_on(dob, date(2026, 3, 1)) == 18


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_every_real_date_round_trips_through_uk_and_iso_text(day):
    assert parse_date(day.strftime("%d/%m/%Y")) == day
    assert parse_date(day.isoformat()) == day
