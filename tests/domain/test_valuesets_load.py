"""Value sets load from resources/valuesets and have the codes the national data sets need."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.domain.consent import PartnerAgency
from app.domain.valuesets import ValueSetError, load_value_set, load_value_sets, parse_value_set

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


@pytest.fixture(scope="module")
def value_sets():
    return load_value_sets(RESOURCES)


def test_every_file_has_the_agreed_shape(value_sets):
    files = sorted((RESOURCES / "valuesets").glob("*.json"))
    assert len(files) == len(value_sets) >= 15
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert {"id", "version", "items"} <= data.keys(), path.name
        assert all({"code", "label"} <= item.keys() for item in data["items"]), path.name


@pytest.mark.parametrize(
    ("set_id", "codes"),
    [
        ("substances", {"heroin", "crack", "cocaine", "cannabis", "methadone_illicit",
                        "benzodiazepines", "amphetamines", "alcohol", "synthetic_cannabinoids",
                        "9996", "9997"}),
        ("referral_sources", {"63", "64", "65", "53", "56", "57", "58"}),
        ("injecting_status", {"N", "P", "C", "Z"}),
        ("ra_notice_statuses", {"RA1", "RA2", "RA3", "RA4", "RA5"}),
        ("ethnicity", {"A", "B", "C", "D", "H", "J", "K", "M", "N", "R", "S", "Z"}),
        ("sex", {"1", "2", "9", "X"}),
    ],
)
def test_national_codes_are_present(value_sets, set_id, codes):
    assert codes <= set(value_sets[set_id].codes)


def test_labels_are_looked_up_by_code(value_sets):
    assert value_sets["referral_sources"].label_for("63") == "Arrest Referral"
    assert value_sets["substances"].label_for("9996") == "No second drug"
    assert value_sets["substances"].label_for("no-such-code") == "no-such-code"


def test_essex_districts_and_the_two_unitary_areas(value_sets):
    districts = value_sets["home_districts"]
    essex = ["Basildon", "Braintree", "Brentwood", "Castle Point", "Chelmsford", "Colchester",
             "Epping Forest", "Harlow", "Maldon", "Rochford", "Tendring", "Uttlesford"]
    in_area = [item.label for item in districts if not item.extra.get("out_of_area")]
    for name in essex:
        assert name in in_area
    out = {item.code for item in districts if item.extra.get("out_of_area")}
    assert {"southend", "thurrock"} <= out


def test_partner_agency_value_set_matches_the_enum(value_sets):
    assert set(value_sets["partner_agencies"].codes) == {agency.value for agency in PartnerAgency}


def test_discharge_reasons_cover_the_ndtms_set(value_sets):
    labels = " ".join(item.label.lower() for item in value_sets["discharge_reasons"])
    for reason in ["drug free", "referred on", "dropped out", "prison", "declined", "moved away",
                   "died", "not known", "no appropriate treatment"]:
        assert reason in labels


@pytest.mark.parametrize(
    ("data", "clue"),
    [
        ({"id": "x", "items": []}, "needs keys"),
        ({"id": "x", "version": 1, "items": [{"code": "1"}]}, "code and a label"),
        ({"id": "x", "version": 1, "items": [{"code": 1, "label": "One"}]}, "code and a label"),
        ({"id": "x", "version": 1, "items": [{"code": "1", "label": "A"},
                                             {"code": "1", "label": "B"}]}, "duplicate"),
    ],
)
def test_malformed_value_sets_are_refused(data, clue):
    with pytest.raises(ValueSetError, match=clue):
        parse_value_set(data)


def test_file_name_must_match_id(tmp_path):
    path = tmp_path / "routes.json"
    path.write_text(json.dumps({"id": "other", "version": 1, "items": []}))
    with pytest.raises(ValueSetError, match="should match the file name"):
        load_value_set(path)


@pytest.mark.parametrize(("set_id", "names"), [
    ("custody_suites", ["Basildon", "Chelmsford", "Colchester", "Harlow", "Southend",
                        "Clacton"]),
    ("courts", ["Chelmsford Crown Court", "Basildon Crown Court", "Southend Crown Court",
                "Colchester Magistrates' Court", "Chelmsford Magistrates' Court"]),
    ("prisons", ["HMP/YOI Chelmsford", "HMP Highpoint", "HMP/YOI Peterborough",
                 "HMP/YOI Bronzefield"]),
])
def test_the_places_a_journey_event_suggests(value_sets, set_id, names):
    labels = " | ".join(item.label for item in value_sets[set_id])
    for name in names:
        assert name in labels, name


def test_every_place_list_a_kind_suggests_exists(value_sets):
    from app.services.journey import PLACE_VALUE_SETS

    assert set(PLACE_VALUE_SETS.values()) <= set(value_sets)
