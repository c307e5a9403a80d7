"""The push body decoded and checked by msgspec, not by pydantic.

A push carries up to MAX_PUSH_BATCH changes; pydantic spent ~60 µs a change on them
(twice the time the database took), msgspec ~5 µs. The rules are the same as
`sync_schemas.Change` (that model still documents the body in the OpenAPI, and a test
checks the two refuse the same bodies): unknown fields refused, ids shaped as ids, no
control characters in text that reaches the database as text.

Two decoders hold the same rules. msgspec runs a field's pattern as one regex call per
field, ten per change, which was three quarters of decoding a batch. So a body is first
decoded by `_Loose` (every rule but the patterns, all in C) and every id of the batch is
then checked by one regex over one string. Only a body that fails goes through the
strict decoder, whose per-field patterns name the field that is wrong.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import msgspec

from sync import protocol as p

# What each text field of a change may hold. Not `\d`: in Python it matches every
# script's digits. Control characters are refused everywhere (PostgreSQL refuses NUL in
# text), so none can stand in for the separators `_BATCH` uses.
_TEXT = r"[^\x00-\x1f\x7f]"
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_TABLE = r"_?[a-z][a-z0-9_]{0,58}"
_ID = _TEXT + "{1,36}"
_OPTIONAL_ID = _TEXT + "{0,36}"
_HLC = r"[0-9]{1,15}-[0-9]{1,5}-[0-9a-zA-Z-]{1,60}"
_HASH = r"[0-9a-f]{64}"
_LINKAGE = _TEXT + "{0,20}"

# `\Z`, not `$`: msgspec searches, and `$` also matches before a final newline, which let
# "<uuid>\n" through to a 36-character column (a 500 for the whole batch).
Uuid = Annotated[str, msgspec.Meta(pattern=f"^{_UUID}\\Z")]
TableName = Annotated[str, msgspec.Meta(pattern=f"^{_TABLE}\\Z")]
ShortId = Annotated[str, msgspec.Meta(pattern=f"^{_ID}\\Z")]
OptionalId = Annotated[str, msgspec.Meta(pattern=f"^{_OPTIONAL_ID}\\Z")]
Hlc = Annotated[str, msgspec.Meta(pattern=f"^{_HLC}\\Z")]
Hash = Annotated[str, msgspec.Meta(pattern=f"^{_HASH}\\Z")]
LinkageText = Annotated[str, msgspec.Meta(pattern=f"^{_LINKAGE}\\Z")]
Fields = Annotated[dict[Annotated[str, msgspec.Meta(max_length=60)],
                        str | int | float | bool | None], msgspec.Meta(max_length=200)]


class Change(msgspec.Struct, forbid_unknown_fields=True):
    change_id: Uuid
    table: TableName
    row_id: ShortId
    person_id: Uuid
    revision_id: ShortId
    base_revision_id: OptionalId | None
    hlc: Hlc
    worker_id: ShortId
    append_only: bool
    fields: Fields
    content_hash: Hash
    linkage_key: LinkageText | None = None


Credentials = Annotated[dict[Annotated[str, msgspec.Meta(max_length=36)],
                             Annotated[str, msgspec.Meta(max_length=100)]],
                        msgspec.Meta(max_length=64)]


class PushRequest(msgspec.Struct, forbid_unknown_fields=True):
    changes: Annotated[list[Change], msgspec.Meta(min_length=1, max_length=p.MAX_PUSH_BATCH)]
    credentials: Credentials = {}


class _Loose(msgspec.Struct, forbid_unknown_fields=True):
    """`Change` without its patterns: `_ids_well_formed` checks them for a whole batch."""

    change_id: str
    table: str
    row_id: str
    person_id: str
    revision_id: str
    base_revision_id: str | None
    hlc: str
    worker_id: str
    append_only: bool
    fields: Fields
    content_hash: str
    linkage_key: str | None = None


class _LooseRequest(msgspec.Struct, forbid_unknown_fields=True):
    changes: Annotated[list[_Loose], msgspec.Meta(min_length=1, max_length=p.MAX_PUSH_BATCH)]
    credentials: Credentials = {}


# One line per change: its text fields in `Change` order, each ended by \x1f (a null
# becomes "", which the two optional fields accept anyway); `_ids_well_formed` writes it.
_LINE = (_UUID, _TABLE, _ID, _UUID, _ID, _OPTIONAL_ID, _HLC, _ID, _HASH, _LINKAGE)
_BATCH = re.compile("(?:" + "".join(f"(?:{rx})\x1f" for rx in _LINE) + "\n)*")
_strict, _loose = msgspec.json.Decoder(PushRequest), msgspec.json.Decoder(_LooseRequest)
_encoder = msgspec.json.Encoder()
_WHERE = re.compile(r" - at `\$\.?(.*)`$")


class BadBody(ValueError):
    """The body is not a valid push: `field` says where (dotted, as the 422s elsewhere)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}" if field else problem)
        self.field, self.problem = field, problem


def decode_push(body: bytes) -> list[p.Change]:
    """The changes of a push body as plain dicts (sync.protocol.Change), or BadBody."""
    return decode_push_request(body)[0]


def decode_push_request(body: bytes) -> tuple[list[p.Change], dict[str, str]]:
    """The changes and the workers' credentials of a push body, or BadBody."""
    try:
        request: Any = _loose.decode(body)
    except msgspec.DecodeError:
        request = None
    if request is None or not request.changes or not _ids_well_formed(request.changes):
        request = _strict_decode(body)  # raises BadBody, naming the field
    changes = [msgspec.structs.asdict(change) for change in request.changes]
    return changes, dict(request.credentials)  # type: ignore[return-value]


def _ids_well_formed(changes: list[_Loose]) -> bool:
    lines = "".join(
        f"{c.change_id}\x1f{c.table}\x1f{c.row_id}\x1f{c.person_id}\x1f{c.revision_id}\x1f"
        f"{c.base_revision_id or ''}\x1f{c.hlc}\x1f{c.worker_id}\x1f{c.content_hash}\x1f"
        f"{c.linkage_key or ''}\x1f\n" for c in changes)
    return _BATCH.fullmatch(lines) is not None


def _strict_decode(body: bytes) -> Any:
    try:
        return _strict.decode(body)
    except msgspec.DecodeError as error:  # ValidationError is a DecodeError too
        text = str(error)
        where = _WHERE.search(text)
        field = re.sub(r"\[(\d+)\]", r".\1", where.group(1)) if where else "body"
        raise BadBody(field, text[:where.start()] if where else text) from None


def encode(value: Any) -> bytes:
    return _encoder.encode(value)
