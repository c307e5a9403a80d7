"""The push body is decoded by msgspec (sync_wire) and described in the OpenAPI document,
both made from p.Change and sync_wire.CHANGE_RULES: the decoder and the document must
accept and refuse the same bodies, a refusal must be the same clear 422 every other route
gives, and a field of p.Change the server has no rule for must stop it at import."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any, NotRequired, TypedDict, get_origin, get_type_hints

import jsonschema_rs  # schemathesis' own validator: ECMA-262 patterns, as OpenAPI means
import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync import protocol as p
from sync.server.api import sync_wire
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
    # The batch check puts \x1f after each value: one inside a value must not split it
    # into two that each look right.
    "row id of two ids joined by a separator": _set("row_id", "row\x1fone"),
    "linkage key with a newline in it": _set("linkage_key", "DS\n07031986M"),
    # pydantic's lax mode read "no" as False; a client that sends that has a bug.
    "append only as text": _set("append_only", "no"),
}


_DOCUMENTED = jsonschema_rs.validator_for(sync_wire.openapi_schema(sync_wire.PushRequest))


def _documented_accepts(body: dict[str, Any]) -> bool:
    return _DOCUMENTED.is_valid(body)


def _msgspec_accepts(body: dict[str, Any]) -> bool:
    try:
        sync_wire.decode_push(json.dumps(body).encode())
    except sync_wire.BadBody:
        return False
    return True


def test_a_good_body_decodes_to_exactly_what_was_sent():
    assert sync_wire.decode_push(json.dumps({"changes": [GOOD]}).encode()) == [GOOD]
    assert _documented_accepts({"changes": [GOOD]})


def test_a_change_without_its_linkage_key_decodes_with_none():
    change = {key: value for key, value in GOOD.items() if key != "linkage_key"}
    assert sync_wire.decode_push_request(json.dumps({"changes": [change]}).encode()) == (
        [{**change, "linkage_key": None}], {})
    assert _documented_accepts({"changes": [change]})


@pytest.mark.parametrize("spoil", BAD.values(), ids=BAD.keys())
def test_the_decoder_and_the_document_refuse_the_same_bad_change(spoil):
    change = copy.deepcopy(GOOD)
    spoil(change)
    body = {"changes": [change]}
    assert not _msgspec_accepts(body)
    assert not _documented_accepts(body)


@pytest.mark.parametrize("body", [{"changes": []}, {"changes": [GOOD] * (p.MAX_PUSH_BATCH + 1)},
                                  {"changes": [GOOD], "extra": 1}, {},
                                  {"changes": [GOOD], "credentials": {"w-1": "c" * 101}}],
                         ids=["empty", "too many", "extra key", "no changes", "long credential"])
def test_the_decoder_and_the_document_refuse_the_same_bad_batch(body):
    assert not _msgspec_accepts(body)
    assert not _documented_accepts(body)


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


def test_the_openapi_document_describes_the_push_body_as_the_decoder_reads_it(client):
    doc = client.get(f"{API}/openapi.json").json()
    schema = doc["paths"][f"{API}{p.SYNC_PUSH_PATH}"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]
    # FastAPI leaves out every null in the document, `"default": null` among them.
    assert schema == _without_nulls(sync_wire.openapi_schema(sync_wire.PushRequest))
    change = schema["properties"]["changes"]["items"]
    assert list(change["properties"]) == list(get_type_hints(p.Change))
    assert set(change["required"]) == _required(p.Change)
    assert change["additionalProperties"] is False
    assert schema["properties"]["changes"]["maxItems"] == p.MAX_PUSH_BATCH
    assert change["properties"]["row_id"]["pattern"] == "^(?:[^\\x00-\\x1f\\x7f]{1,36})$"
    assert change["properties"]["fields"]["maxProperties"] == 200
    text = json.dumps(schema)
    assert "$ref" not in text and "\\\\Z" not in text  # ECMA-262 patterns end in $


def _without_nulls(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _without_nulls(value) for key, value in node.items() if value is not None}
    return [_without_nulls(item) for item in node] if isinstance(node, list) else node


def _required(shape: type) -> set[str]:
    return {name for name, hint in get_type_hints(shape, include_extras=True).items()
            if get_origin(hint) is not NotRequired}


@pytest.mark.parametrize("struct", [sync_wire.Change, sync_wire._Loose])
def test_both_decoders_read_exactly_the_fields_of_the_shared_change(struct):
    assert struct.__struct_fields__ == tuple(get_type_hints(p.Change))
    optional = struct.__struct_fields__[len(struct.__struct_fields__)
                                        - len(struct.__struct_defaults__):]
    assert set(struct.__struct_fields__) - set(optional) == _required(p.Change)


class _Grown(TypedDict):
    """A change with fields the server was not told about."""

    change_id: str
    urgent: bool  # a bool carries no text: it needs no rule
    note: NotRequired[str | None]


def test_a_text_field_of_a_change_without_a_rule_stops_the_server():
    with pytest.raises(TypeError, match=r"_Grown\.note"):
        sync_wire.derive_struct("Grown", _Grown, {"change_id": str})
    grown = sync_wire.derive_struct("Grown", _Grown, {"change_id": str, "note": str})
    assert grown.__struct_fields__ == ("change_id", "urgent", "note")
    assert _decode(b'{"change_id": "x", "urgent": true}', grown).note is None


def test_a_rule_for_a_field_the_change_does_not_have_stops_the_server():
    with pytest.raises(TypeError, match="colour"):
        sync_wire.derive_struct("Grown", _Grown, {"change_id": str, "note": str, "colour": str})


def test_a_field_that_may_be_left_out_needs_a_default_unless_it_may_be_null():
    class Shape(TypedDict):
        tags: NotRequired[list[str]]

    with pytest.raises(TypeError, match="needs a default"):
        sync_wire.derive_struct("Shape", Shape, {"tags": list[str]})
    shape = sync_wire.derive_struct("Shape", Shape, {"tags": list[str]}, defaults={"tags": []})
    assert _decode(b"{}", shape).tags == []


def _decode(body: bytes, struct: type) -> Any:
    return msgspec.json.decode(body, type=struct)


# Each text field, and text that is nearly right for it: the fast path checks a whole
# batch with one regex and must never accept what the per-field patterns refuse.
_NEAR = st.text(alphabet=st.sampled_from("0123456789abcdefABCDEF-_.\n\x00\x1f\x7f z\u00e9\u0661"),
                max_size=40)
_ID_FIELDS = tuple(name for name, rule in sync_wire.CHANGE_RULES.items()
                   if isinstance(rule, sync_wire.Text))


def _strict_accepts(body: bytes) -> bool:
    try:
        sync_wire._strict_decode(body)
    except sync_wire.BadBody:
        return False
    return True


@settings(max_examples=400, deadline=None)
@given(spoilt=st.lists(st.tuples(st.integers(0, 2), st.sampled_from(_ID_FIELDS),
                                 st.one_of(_NEAR, st.sampled_from(
                                     [GOOD["change_id"], "a" * 64, "1-2-x", "people", None]))),
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
