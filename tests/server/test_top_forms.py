"""TOP forms pushed to the server through real HTTP: the server checks every answer's
shape and range again (a laptop's own check is not trusted), refuses an impossible one
in words, and stores a plausible one."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.server.test_author_names import _outcome, new_person, push_as
from tests.server.test_sync import change


def form(person_id: str, measures: object) -> dict:
    return change(person_id, row_id=str(uuid.uuid4()), table="top_forms", append_only=True,
                  fields={"measures_json": json.dumps(measures), "recorded_by_name": "ann"})


PLAUSIBLE = {"use": {"opiates": {"weeks": [7, 7, 5, 1], "total": 20}},
             "crime_days": {"shoplifting": 4}, "ratings": {"quality_of_life": 12},
             "days_injected": 3, "shared_equipment": False, "work_days": 0}


@pytest.mark.parametrize(("measures", "words"), [
    ({"use": {"opiates": {"weeks": [8, 7, 7, 6], "total": None}}}, "0 to 7 days"),
    ({"use": {"opiates": {"weeks": [], "total": 29}}}, "0 to 28 days"),
    ({"use": {"opiates": {"weeks": [1, 1, 1, 1], "total": 5}}}, "do not add up"),
    ({"use": {"heroin_and_crack": {"weeks": [], "total": 3}}}, "unknown substance"),
    ({"ratings": {"quality_of_life": 21}}, "from 0 to 20"),
    ({"ratings": {"quality_of_life": "12"}}, "from 0 to 20"),
    ({"crime_days": {"shoplifting": -1}}, "crime_days.shoplifting"),
    ({"violence": "no"}, "true or false"),
    ({"notes": "free text where no text belongs"}, "does not have: notes"),
    (["not", "an", "object"], "JSON object"),
])
def test_an_impossible_form_is_refused_and_the_next_row_still_lands(world, measures, words):
    custody = world.enrol("Custody North")
    person = new_person(world, custody)

    refused, stored = push_as(world, custody, ("ann", form(person, measures)),
                              ("ann", form(person, PLAUSIBLE)))

    assert _outcome(refused) == ("refused", 422), refused
    assert "measures_json" in refused["message"] and words in refused["message"]
    assert _outcome(stored) == ("applied", 201), stored
