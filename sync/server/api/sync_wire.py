"""The push body: decoded, checked and documented from one definition.

Which fields a change has, in which order, and which may be null or be left out are
`p.Change`'s, the shape laptop and server share. What the server holds each field to
is CHANGE_RULES below, keyed by field name. The strict decoder, the loose one, the batch
check and the OpenAPI schema of the push body are all made from those two, so a new
field of a change is a line in `p.Change` and, unless it is a bool or a number, a line
here: a field with no rule, or a rule for no field, stops the server at import.

The rules: unknown fields refused, ids shaped as ids, no control characters in text that
reaches the database as text. msgspec decodes a push, not pydantic, which spent longer on
each change than the database did.

Two decoders hold the same rules. msgspec runs a field's pattern as one regex call per
field of every change, which was most of the time decoding a batch. So a body is first
decoded by the loose decoder (every rule but the patterns, all in C) and every text
field of the batch is then checked by one regex over one string. Only a body that fails
goes through the strict decoder, whose per-field patterns name the field that is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from operator import attrgetter
from typing import Annotated, Any, Final, NotRequired, get_args, get_origin, get_type_hints

import msgspec

from sync import protocol as p


@dataclass(frozen=True)
class Text:
    """Text that must match `pattern` whole. Every pattern refuses control characters
    (PostgreSQL refuses NUL in text), so the batch check can use two as separators."""

    pattern: str


# Not `\d`: in Python it matches every script's digits.
_TEXT = r"[^\x00-\x1f\x7f]"
_UUID = Text(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_ID = Text(_TEXT + "{1,36}")
Fields = Annotated[dict[Annotated[str, msgspec.Meta(max_length=60)],
                        str | int | float | bool | None], msgspec.Meta(max_length=200)]
Credentials = Annotated[dict[Annotated[str, msgspec.Meta(max_length=36)],
                             Annotated[str, msgspec.Meta(max_length=100)]],
                        msgspec.Meta(max_length=64)]

# What the server takes in each field of a pushed change (where p.Change allows null,
# null too). A field p.Change types as bool or a number needs no rule.
CHANGE_RULES: Final[Mapping[str, Any]] = {
    "change_id": _UUID,
    "table": Text(r"_?[a-z][a-z0-9_]{0,58}"),
    "row_id": _ID,
    "person_id": _UUID,
    "revision_id": _ID,
    "base_revision_id": Text(_TEXT + "{0,36}"),
    "hlc": Text(r"[0-9]{1,15}-[0-9]{1,5}-[0-9a-zA-Z-]{1,60}"),
    "worker_id": _ID,
    "fields": Fields,
    "content_hash": Text(r"[0-9a-f]{64}"),
    "linkage_key": Text(_TEXT + "{0,20}"),
}
_NEEDS_NO_RULE = (bool, int, float)


def _matching(text: Text) -> Any:
    # `\Z`, not `$`: msgspec searches, and `$` also matches before a final newline, which
    # let "<uuid>\n" through to a 36-character column (a 500 for the whole batch).
    return Annotated[str, msgspec.Meta(pattern=f"^(?:{text.pattern})\\Z")]


def _types(rules: Mapping[str, Any], *, strict: bool) -> dict[str, Any]:
    """Each rule as a type: a pattern checked (strict) or left to the batch check."""
    return {name: (_matching(rule) if strict else str) if isinstance(rule, Text) else rule
            for name, rule in rules.items()}


def derive_struct(name: str, shape: type, types: Mapping[str, Any],
                  defaults: Mapping[str, Any] | None = None) -> type[msgspec.Struct]:
    """A struct with the TypedDict `shape`'s fields, in its order, unknown fields refused:
    each of the type `types` gives it, or `None` too where `shape` allows null. A field
    `shape` may leave out takes its default, None unless `defaults` gives another."""
    hints = get_type_hints(shape, include_extras=True)
    if strays := set(types) - set(hints):
        raise TypeError(f"rules for fields {shape.__name__} does not have: {sorted(strays)}")
    fields = [_field(shape, field, hint, types, defaults or {}) for field, hint in hints.items()]
    return msgspec.defstruct(name, fields, forbid_unknown_fields=True)


def _field(shape: type, name: str, hint: Any, types: Mapping[str, Any],
           defaults: Mapping[str, Any]) -> tuple[Any, ...]:
    required = get_origin(hint) is not NotRequired
    hint = hint if required else get_args(hint)[0]
    nullable = type(None) in get_args(hint)
    where = f"{shape.__name__}.{name}"
    if name in types:
        kind = types[name] | None if nullable else types[name]
    elif _without_none(hint) in _NEEDS_NO_RULE:
        kind = hint
    else:
        raise TypeError(f"{where!r} ({hint}) has no rule: say what the server takes in it")
    if required:
        return (name, kind)
    if name not in defaults and not nullable:
        raise TypeError(f"{where!r} may be left out, so it needs a default")
    return (name, kind, defaults.get(name))


def _without_none(hint: Any) -> Any:
    rest = [arg for arg in get_args(hint) if arg is not type(None)]
    return rest[0] if len(rest) == 1 else hint


def _request(name: str, change: type[msgspec.Struct]) -> type[msgspec.Struct]:
    batch = Annotated[list[change],  # type: ignore[valid-type]
                      msgspec.Meta(min_length=1, max_length=p.MAX_PUSH_BATCH)]
    return derive_struct(name, p.PushRequest, {"changes": batch, "credentials": Credentials},
                         defaults={"credentials": {}})


Change = derive_struct("Change", p.Change, _types(CHANGE_RULES, strict=True))
PushRequest = _request("PushRequest", Change)
_Loose = derive_struct("LooseChange", p.Change, _types(CHANGE_RULES, strict=False))
_LooseRequest = _request("LoosePushRequest", _Loose)

# The batch check: one column per text field, each value followed by \x1f, the columns
# apart by \n, all matched at once. A null (already allowed or refused by the loose
# decoder) is left out of its column.
_PATTERNS = {name: rule.pattern for name, rule in CHANGE_RULES.items() if isinstance(rule, Text)}
_COLUMNS = [attrgetter(name) for name in _PATTERNS]
_BATCH = re.compile("\n".join(f"(?:(?:{pattern})\x1f)*" for pattern in _PATTERNS.values()))
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
    if request is None or not request.changes or not _texts_well_formed(request.changes):
        request = _strict_decode(body)  # raises BadBody, naming the field
    changes = [msgspec.structs.asdict(change) for change in request.changes]
    return changes, dict(request.credentials)  # type: ignore[return-value]


def _texts_well_formed(changes: list[Any]) -> bool:
    columns, values = [], 0
    for read in _COLUMNS:
        column = [value for value in map(read, changes) if value is not None]
        values += len(column)
        columns.append("\x1f".join([*column, ""]))
    text = "\n".join(columns)
    # A value holding \x1f would read as two values, each of which might match: the
    # count catches it. One holding \n would make a column too many for the regex.
    return text.count("\x1f") == values and _BATCH.fullmatch(text) is not None


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


def openapi_schema(shape: Any) -> dict[str, Any]:
    """The JSON schema msgspec gives `shape` (a struct, or a TypedDict of sync.protocol),
    whole: every $ref replaced by what it names, for a route that documents a body it
    reads or writes itself (OpenAPI would not resolve "#/$defs/..."). A pattern's `\\Z`
    becomes `$`, which means the same in JSON Schema's (ECMA-262) regexes."""
    schema = msgspec.json.schema(shape)
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return resolve(defs[node["$ref"].rsplit("/", 1)[-1]])
            return {key: _ecma(value) if key == "pattern" else resolve(value)
                    for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return resolve(schema)  # type: ignore[no-any-return]


def _ecma(pattern: str) -> str:
    return pattern.removesuffix("\\Z") + "$" if pattern.endswith("\\Z") else pattern
