"""NDTMS episode rows: our discharge reasons mapped to NDTMS codes, the core data set's
fields, the episodes of the quarter, and nothing typed or identifying in what leaves."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.domain.journey.kinds import Kind
from app.domain.outcomes.cohort import PLANNED_EXITS, CohortPerson, Route
from app.domain.outcomes.extract import pseudonym
from app.domain.outcomes.months import Quarter
from app.domain.outcomes.ndtms import (
    DISCHARGE_CODES,
    FIELDS,
    client_reference,
    discharge_code,
    ndtms_rows,
    referral_code,
)
from app.domain.valuesets import load_value_set
from tests.domain.journey_events import PERSON, event

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
KEY = b"k" * 32
Q3 = Quarter(date(2026, 7, 1), date(2026, 9, 30))
D = date


def _person(*journey) -> CohortPerson:
    return CohortPerson(PERSON, 1984, Route.CUSTODY, D(2025, 1, 1), tuple(journey))


def test_every_discharge_reason_has_its_own_ndtms_code() -> None:
    reasons = {item.code for item in load_value_set(
        RESOURCES / "valuesets" / "discharge_reasons.json").items}

    assert set(DISCHARGE_CODES) == reasons
    codes = [code for code, _ in DISCHARGE_CODES.values()]
    assert len(set(codes)) == len(codes) and all(c.isdigit() for c in codes)


@pytest.mark.parametrize(("reason", "code"), [
    ("completed_drug_free", "1"), ("completed", "2"), ("withdrawn_breach", "3"),
    ("no_appropriate_treatment", "4"), ("referred_on", "5"), ("dropped_out", "6"),
    ("moved_away", "7"), ("prison", "8"), ("died", "9"), ("other", "10"),
    ("not_known", "11"), ("declined", "12"), ("something new", ""), ("", "")])
def test_discharge_reason_codes(reason: str, code: str) -> None:
    assert discharge_code(reason) == code


def test_only_the_ndtms_referral_sources_go_as_codes() -> None:
    assert [referral_code(s) for s in ("63", "64", "65", "53", "56", "57", "58")] == [
        "63", "64", "65", "53", "56", "57", "58"]
    assert [referral_code(s) for s in ("self", "gp", "prison", "99", "")] == [""] * 5


def test_an_episode_with_two_interventions_gives_a_row_each_with_full_dates() -> None:
    started = event(Kind.INTERVENTION_STARTED, D(2026, 7, 6), "Open Road Colchester",
                    intervention_setting="community", intervention_type="psychosocial")
    person = _person(
        event(Kind.REFERRAL_RECEIVED, D(2026, 7, 1), "Open Road", source="64"),
        event(Kind.TRIAGE_DONE, D(2026, 7, 3), "Harlow hub"),
        event(Kind.TREATMENT_STARTED, D(2026, 7, 5)), started,
        event(Kind.INTERVENTION_STARTED, D(2026, 7, 8), "Dr Patel's surgery",
              intervention_setting="community", intervention_type="pharmacological"),
        event(Kind.INTERVENTION_ENDED, D(2026, 8, 1), started_event=started.id),
        event(Kind.DISCHARGE, D(2026, 9, 2), reason="completed_drug_free"))

    rows = ndtms_rows(person, key=KEY, quarter=Q3)

    assert [list(r) for r in rows] == [list(FIELDS)] * 2
    common = {"EPISODE": 1, "YOB": 1984, "REFLD": "2026-07-01", "REFSC": "64",
              "REFSC_LOCAL": None, "TRIAGED": "2026-07-03", "CPLANDT": "2026-07-05",
              "TRTSTART": "2026-07-03", "DISD": "2026-09-02", "DISRSN": "1", "PLANNED": "Y"}
    assert [{k: r[k] for k in common} for r in rows] == [common, common]
    assert [(r["MODSET"], r["MODTYPE"], r["MODST"], r["MODEND"]) for r in rows] == [
        ("community", "psychosocial", "2026-07-06", "2026-08-01"),
        ("community", "pharmacological", "2026-07-08", "2026-09-02")]
    text = repr(rows)
    assert not any(word in text for word in ("Open Road", "Harlow", "Patel", PERSON))


def test_only_episodes_open_in_the_quarter_and_later_events_unread() -> None:
    person = _person(
        event(Kind.REFERRAL_RECEIVED, D(2025, 1, 1), source="self"),
        event(Kind.DISCHARGE, D(2025, 6, 1), reason="moved_away"),  # episode 1: before Q3
        event(Kind.REFERRAL_RECEIVED, D(2026, 5, 1), source="prison"),  # episode 2: open
        event(Kind.DISCHARGE, D(2026, 10, 2), reason="dropped_out"),  # after Q3: not read
        event(Kind.REFERRAL_RECEIVED, D(2026, 11, 1), source="gp"))  # episode 3: after

    rows = ndtms_rows(person, key=KEY, quarter=Q3)

    assert [(r["EPISODE"], r["REFLD"], r["REFSC_LOCAL"], r["DISD"], r["DISRSN"], r["PLANNED"])
            for r in rows] == [(2, "2026-05-01", "prison", None, None, None)]


def test_an_unplanned_exit_and_a_reason_ndtms_cannot_take() -> None:
    for reason, code, planned in (("prison", "8", "N"), ("typed by hand", None, "N")):
        rows = ndtms_rows(_person(event(Kind.REFERRAL_RECEIVED, D(2026, 7, 1), source="gp"),
                                  event(Kind.DISCHARGE, D(2026, 8, 1), reason=reason)),
                          key=KEY, quarter=Q3)
        assert [(r["DISRSN"], r["PLANNED"]) for r in rows] == [(code, planned)]
    assert "referred_on" in PLANNED_EXITS


def test_the_client_reference_is_keyed_stable_and_not_the_evaluators_pseudonym() -> None:
    assert client_reference(PERSON, KEY) == client_reference(PERSON, KEY)
    assert client_reference(PERSON, KEY) != client_reference(PERSON, b"q" * 32)
    assert client_reference(PERSON, KEY) != pseudonym(PERSON, KEY)
    assert len(client_reference(PERSON, KEY)) == 16
