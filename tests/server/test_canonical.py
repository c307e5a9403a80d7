"""The server's fast content-hash check agrees with the protocol's own function."""

from __future__ import annotations

import json

import pytest

from sync import protocol as p
from sync.server.services import canonical


def _change(fields: dict) -> dict:
    body = {"table": "assessment_values", "row_id": "r1", "person_id": "p1",
            "revision_id": "v2", "base_revision_id": "v1", "append_only": False,
            "fields": fields}
    body["content_hash"] = p.content_hash(body)
    return body


@pytest.mark.parametrize("fields", [
    {"value_json": "\"hostel\"", "field": "housing_notes"},
    {"name": "Zoë Ó Briain", "note": "tab\there, quote \" and \\ and \u2028"},
    {"units": 0.1, "big": 1e16, "tiny": 1e-07, "n": -3, "nested": {"b": [1, None, True]}},
    {},
])
def test_an_honest_change_matches_whatever_its_values(fields):
    assert canonical.hash_matches(_change(fields))


def test_a_changed_value_or_a_changed_hash_does_not_match():
    change = _change({"units": 4})
    assert not canonical.hash_matches({**change, "fields": {"units": 5}})
    assert not canonical.hash_matches({**change, "content_hash": "0" * 64})


def test_stored_text_is_json_of_the_same_value():
    value = {"b": 1, "a": ["x", 2.5, None], "é": "ü"}
    assert json.loads(canonical.text(value)) == value
    assert canonical.text(value).index('"a"') < canonical.text(value).index('"b"')
