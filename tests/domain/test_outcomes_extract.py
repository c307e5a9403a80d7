"""The evaluator's pseudonymised extract: keyed pseudonyms, no identifying detail."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import date, time, timedelta
from pathlib import Path

import pytest

from app.domain.appointments import Appointment
from app.domain.journey.kinds import Kind
from app.domain.outcomes.cohort import CohortPerson, Route
from app.domain.outcomes.extract import (
    DISCHARGE_REASONS,
    REFERRAL_SOURCES,
    episode_rows,
    form_rows,
    person_row,
    pseudonym,
)
from app.domain.outcomes.months import Quarter
from app.domain.outcomes.top import Crime, Days, FormKind, Rating, Substance, TopForm
from tests.domain.journey_events import PERSON, event

KEY = b"k" * 32
OTHER_KEY = b"q" * 32
Q1 = Quarter(date(2026, 4, 1), date(2026, 6, 30))
Q2 = Quarter(date(2026, 7, 1), date(2026, 9, 30))
# What the person's record holds elsewhere; none of it may reach a row.
NAME, DOB, PNC, NHS = ("Jane", "Doe"), date(1990, 3, 7), "2001/0012345Z", "9434765919"
TYPED = ["HMP Chelmsford", "theft of a bicycle from Mr Smith", "CR/12345/26",
         "12 High Street, Harlow", "Harlow hub", "Dr Patel", "script review", "Open Road"]


def _person() -> CohortPerson:
    journey = (
        event(Kind.ARREST, date(2025, 12, 1), "Harlow custody suite",
              custody_record="CR/12345/26", offence="theft of a bicycle from Mr Smith",
              trigger_offence=True),
        event(Kind.REFERRAL_RECEIVED, date(2026, 1, 5), "Open Road", source="63"),
        event(Kind.TRIAGE_DONE, date(2026, 1, 6), "Harlow hub"),
        event(Kind.INTERVENTION_STARTED, date(2026, 1, 12), "Open Road",
              intervention_setting="community", intervention_type="psychosocial"),
        event(Kind.PRISON_RECEPTION, date(2026, 2, 1), "HMP Chelmsford"),
        event(Kind.RELEASE, date(2026, 4, 2), "HMP Chelmsford",
              address="12 High Street, Harlow", met_by="Dr Patel"),
        event(Kind.DISCHARGE, date(2026, 5, 20), reason="completed"))
    form = TopForm("f1", PERSON, FormKind.START, date(2026, 1, 6),
                   use={Substance.OPIATES: Days((7, 7, 6, 5))}, days_injected=3,
                   shared_equipment=False, crime_days={Crime.SHOPLIFTING: 4},
                   ratings={Rating.PHYSICAL: 9}, acute_housing_problem=True,
                   recorded_by="worker-7")
    booking = Appointment("a1", PERSON, date(2026, 4, 3), time(10), "Harlow hub", "Dr Patel",
                          "script review", "worker-7")
    return CohortPerson(PERSON, DOB.year, Route.CUSTODY, date(2025, 12, 1), journey, (form,),
                        (booking,))


def _all_rows(person: CohortPerson, key: bytes = KEY, quarter: Quarter = Q1) -> list[dict]:
    return [person_row(person, key=key, quarter=quarter),
            *form_rows(person, key=key, quarter=quarter),
            *episode_rows(person, key=key, quarter=quarter)]


def test_no_name_identifier_full_date_or_free_text_in_any_row() -> None:
    text = " | ".join(str(v) for row in _all_rows(_person()) for v in row.values())
    for secret in (*NAME, PNC, NHS, PERSON, "worker-7", "f1", "a1", *TYPED):
        assert secret not in text
    assert DOB.isoformat() not in text and "07/03/1990" not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}", text)  # months only


def test_every_value_is_a_number_a_code_a_month_or_the_pseudonym() -> None:
    allowed = re.compile(r"[0-9a-f]{16}|\d{4}-\d{2}|[A-Za-z0-9_]+|[a-z_:;]+\Z")
    for row in _all_rows(_person()):
        for value in row.values():
            assert value is None or isinstance(value, int) or allowed.fullmatch(value), value


def test_the_pseudonym_is_a_truncated_hmac_of_the_id_under_the_key() -> None:
    expected = hmac.new(KEY, PERSON.encode(), hashlib.sha256).hexdigest()[:16]
    assert pseudonym(PERSON, KEY) == expected
    assert {row["pseudonym"] for row in _all_rows(_person())} == {expected}


def test_the_same_person_keeps_one_pseudonym_across_quarters() -> None:
    assert person_row(_person(), key=KEY, quarter=Q1)["pseudonym"] == person_row(
        _person(), key=KEY, quarter=Q2)["pseudonym"]


def test_two_servers_with_different_keys_give_different_pseudonyms() -> None:
    assert pseudonym(PERSON, KEY) != pseudonym(PERSON, OTHER_KEY)
    assert pseudonym(PERSON, KEY) != pseudonym("another-person", KEY)


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        pseudonym(PERSON, b"short")


def test_the_person_row_has_year_of_birth_route_and_the_revolving_door() -> None:
    row = person_row(_person(), key=KEY, quarter=Q1)
    # 6 months from 01/12/2025 ends 01/06/2026, inside Q1: the arrest that day is before;
    # the prison reception of 01/02/2026 is after. 12 months has not run by 30/06/2026.
    assert (row["birth_year"], row["route"], row["first_contact_month"]) == (
        1990, "custody", "2025-12")
    assert (row["arrests_before_6m"], row["arrests_after_6m"], row["custody_before_6m"],
            row["custody_after_6m"]) == (1, 0, 1, 1)
    assert row["arrests_before_12m"] is None


def test_form_rows_carry_the_measures_by_month() -> None:
    (row,) = form_rows(_person(), key=KEY, quarter=Q1)
    assert (row["form"], row["month"], row["use.opiates"], row["use.crack"],
            row["days_injected"], row["crime_days"], row["rating.physical_health"],
            row["shared_equipment"], row["acute_housing_problem"], row["eviction_risk"]) == (
        "start", "2026-01", 25, None, 3, 4, 9, "N", "Y", None)


def test_episode_rows_in_ndtms_terms() -> None:
    (row,) = episode_rows(_person(), key=KEY, quarter=Q1)
    assert row == {"pseudonym": pseudonym(PERSON, KEY), "birth_year": 1990,
                   "referral_month": "2026-01", "referral_source": "63",
                   "triage_month": "2026-01", "treatment_start_month": "2026-01",
                   "interventions": "community:psychosocial", "discharge_month": "2026-05",
                   "discharge_reason": "completed", "planned_exit": "Y"}


def test_an_episode_still_open_at_the_quarter_end_has_no_discharge() -> None:
    early = Quarter(date(2026, 1, 1), date(2026, 3, 31))
    (row,) = episode_rows(_person(), key=KEY, quarter=early)
    assert (row["discharge_month"], row["discharge_reason"], row["planned_exit"]) == (
        None, None, None)


@pytest.mark.parametrize("typed", ["GP said call Jane", "Zebulon", "gp_jane"])
def test_a_source_that_is_not_a_listed_code_never_leaves(typed: str) -> None:
    """Not even one word: only the value set's codes leave; anything else is "other"."""
    person = _person()
    referral = event(Kind.REFERRAL_RECEIVED, date(2026, 6, 1), source=typed)
    person = CohortPerson(PERSON, 1990, Route.CUSTODY, date(2025, 12, 1),
                          (*person.journey, referral))
    last = episode_rows(person, key=KEY, quarter=Q1)[-1]
    assert last["referral_source"] == "other"
    assert typed not in str(episode_rows(person, key=KEY, quarter=Q1))


@pytest.mark.parametrize(("value_set", "listed"), [
    ("referral_sources", REFERRAL_SOURCES), ("discharge_reasons", DISCHARGE_REASONS)])
def test_the_codes_that_may_leave_are_the_value_sets_codes(value_set, listed) -> None:
    path = Path(__file__).resolve().parents[2] / "resources" / "valuesets" / f"{value_set}.json"
    assert {i["code"] for i in json.loads(path.read_text("utf-8"))["items"]} == listed


def test_an_episode_withdrawn_after_the_quarter_does_not_leave() -> None:
    """Review: a referral and triage in the quarter, entered in error after its end (the
    withdrawal is dated the day it is made), came back in the evaluator's episodes."""
    referral = event(Kind.REFERRAL_RECEIVED, Q1.start, source="63")
    triage = event(Kind.TRIAGE_DONE, Q1.start)
    withdrawn = [event(Kind.ENTERED_IN_ERROR, Q1.end + timedelta(days=5), supersedes=wrong.id)
                 for wrong in (referral, triage)]
    person = CohortPerson(PERSON, 1990, Route.CUSTODY, Q1.start,
                          (referral, triage, *withdrawn))
    assert episode_rows(person, key=KEY, quarter=Q1) == []
