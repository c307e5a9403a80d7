"""The push body is decoded by msgspec (sync_wire) but documented by the pydantic model
(sync_schemas): the two must accept and refuse the same bodies, and a refusal must be the
same clear 422 every other route gives."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync import protocol as p
from sync.server.api import sync_schemas, sync_wire
from tests.server.conftest import API

GOOD: dict[str, Any] = {
    "change_id": "0b6c3a4e-8f1d-4c2b-9a7e-5d3f2e1c0b9a", "table": "assessment_fields",
    "row_id": "5c0e2f6a-1b7d-4e3c-8a9f-0d2e4c6b8a1f",
    "person_id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "revision_id": "r-1",
    "base_revision_id": None, "hlc": "1764000000000-0-laptop-1", "worker_id": "w-1",
    "append_only": False, "fields": {"value": "Y", "score": 3, "ratio": 0.5, "flag": True,
                                     "gone": None},
    "content_hash": "a" * 64, "linkage_key": None}


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda change: change.__setitem__(key, value)


BAD = {
    "unknown field": _set("colour", "red"),
    "missing field": lambda change: change.pop("hlc"),
    "change id not a uuid": _set("change_id", "not-a-uuid"),
    "control character in row id": _set("row_id", "row\x00one"),
    "row id too long": _set("row_id", "r" * 37),
    "empty revision id": _set("revision_id", ""),
    "table name with a dot": _set("table", "people.x"),
    "hlc without a counter": _set("hlc", "1764000000000"),
    "content hash in capitals": _set("content_hash", "A" * 64),
    "field value a list": _set("fields", {"value": ["a"]}),
    "field name too long": _set("fields", {"f" * 61: 1}),
    "too many fields": _set("fields", {f"f{n}": n for n in range(201)}),
    "linkage key too long": _set("linkage_key", "X" * 21),
    # "$" in a searched pattern also matches before a final newline: these got through
    # to the database's 36-character columns, and the whole batch failed with a 500.
    "change id with a newline after it": _set("change_id", GOOD["change_id"] + "\n"),
    "person id with a newline after it": _set("person_id", GOOD["person_id"] + "\n"),
    "row id with a newline after it": _set("row_id", "row\n"),
    "hlc with a newline after it": _set("hlc", GOOD["hlc"] + "\n"),
    "hlc in other digits": _set("hlc", "\u0661\u0662-0-laptop"),
}


def _pydantic_accepts(body: dict[str, Any]) -> bool:
    try:
        sync_schemas.PushRequest.model_validate_json(json.dumps(body))
    except pydantic.ValidationError:
        return False
    return True


def _msgspec_accepts(body: dict[str, Any]) -> bool:
    try:
        sync_wire.decode_push(json.dumps(body).encode())
    except sync_wire.BadBody:
        return False
    return True


def test_a_good_body_decodes_to_exactly_what_was_sent():
    assert sync_wire.decode_push(json.dumps({"changes": [GOOD]}).encode()) == [GOOD]
    assert _pydantic_accepts({"changes": [GOOD]})


@pytest.mark.parametrize("spoil", BAD.values(), ids=BAD.keys())
def test_both_decoders_refuse_the_same_bad_change(spoil):
    change = copy.deepcopy(GOOD)
    spoil(change)
    body = {"changes": [change]}
    assert not _msgspec_accepts(body)
    assert not _pydantic_accepts(body)


def test_msgspec_is_stricter_on_types_than_pydantic_was():
    """pydantic's lax mode read "no" as False; a client that sends that has a bug, and the
    server now says so rather than guessing."""
    body = {"changes": [{**GOOD, "append_only": "no"}]}
    assert _pydantic_accepts(body)
    assert not _msgspec_accepts(body)


@pytest.mark.parametrize("body", [{"changes": []}, {"changes": [GOOD] * (p.MAX_PUSH_BATCH + 1)},
                                  {"changes": [GOOD], "extra": 1}, {}],
                         ids=["empty", "too many", "extra key", "no changes"])
def test_both_decoders_refuse_the_same_bad_batch(body):
    assert not _msgspec_accepts(body)
    assert not _pydantic_accepts(body)


def test_a_bad_push_is_a_422_naming_the_field(world):
    device = world.enrol("Custody North")
    change = {**GOOD, "row_id": "r" * 37}
    reply = world.client.post(f"{API}{p.SYNC_PUSH_PATH}", headers=device.headers(),
                              json={"changes": [GOOD, change]})
    assert reply.status_code == 422
    body = reply.json()
    assert body["error"] == p.ERR_INVALID_REQUEST
    assert body["fields"][0]["field"] == "body.changes.1.row_id"
    assert "36" in body["fields"][0]["problem"]


def test_a_push_that_is_not_json_is_a_422(world):
    device = world.enrol("Custody North")
    reply = world.client.post(f"{API}{p.SYNC_PUSH_PATH}", content=b'{"changes": [',
                              headers={**device.headers(), "content-type": "application/json"})
    assert reply.status_code == 422
    assert reply.json()["error"] == p.ERR_INVALID_REQUEST


def test_the_openapi_document_still_describes_the_push_body(client):
    doc = client.get(f"{API}/openapi.json").json()
    schema = doc["paths"][f"{API}{p.SYNC_PUSH_PATH}"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]
    change = schema["properties"]["changes"]["items"]
    assert set(change["properties"]) == set(sync_schemas.Change.model_fields)
    assert "$ref" not in json.dumps(schema)


# Each id field, and text that is nearly right for it: the fast path checks a whole
# batch with one regex and must never accept what the per-field patterns refuse.
_NEAR = st.text(alphabet=st.sampled_from("0123456789abcdefABCDEF-_.\n\x00\x1f\x7f z\u00e9\u0661"),
                max_size=40)
_ID_FIELDS = ("change_id", "table", "row_id", "person_id", "revision_id", "base_revision_id",
              "hlc", "worker_id", "content_hash", "linkage_key")


def _strict_accepts(body: bytes) -> bool:
    try:
        sync_wire._strict_decode(body)
    except sync_wire.BadBody:
        return False
    return True


@settings(max_examples=400, deadline=None)
@given(spoilt=st.lists(st.tuples(st.integers(0, 2), st.sampled_from(_ID_FIELDS),
                                 st.one_of(_NEAR, st.sampled_from(
                                     [GOOD["change_id"], "a" * 64, "1-2-x", "people"]))),
                       max_size=3))
def test_the_batch_check_accepts_exactly_what_the_field_patterns_accept(spoilt):
    changes = [copy.deepcopy(GOOD) for _ in range(3)]
    for index, name, value in spoilt:
        changes[index][name] = value
    body = json.dumps({"changes": changes}).encode()
    try:
        decoded = sync_wire.decode_push(body)
    except sync_wire.BadBody:
        decoded = None
    assert (decoded is not None) == _strict_accepts(body)
    if decoded is not None:
        assert decoded == changes
