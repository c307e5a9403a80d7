"""Pydantic twins of the sync shapes in sync.protocol."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from sync import protocol as p
from sync.server.api.schemas import PlainText, UuidStr

TableName = Annotated[str, StringConstraints(pattern=r"^_?[a-z][a-z0-9_]{0,58}$")]
Hlc = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,15}-[0-9]{1,5}-[0-9a-zA-Z-]{1,60}$")]
Scalar = str | int | float | bool | None


class Change(BaseModel):
    model_config = ConfigDict(extra="forbid")

    change_id: UuidStr
    table: TableName
    row_id: Annotated[str, StringConstraints(min_length=1, max_length=36), PlainText]
    person_id: UuidStr
    revision_id: Annotated[str, StringConstraints(min_length=1, max_length=36), PlainText]
    base_revision_id: Annotated[str, StringConstraints(max_length=36), PlainText] | None
    hlc: Hlc
    worker_id: Annotated[str, StringConstraints(min_length=1, max_length=36), PlainText]
    append_only: bool
    fields: dict[Annotated[str, StringConstraints(max_length=60)], Scalar] = Field(
        max_length=200)
    content_hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    linkage_key: Annotated[str, StringConstraints(max_length=20), PlainText] | None = None


class PushRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    changes: list[Change] = Field(min_length=1, max_length=p.MAX_PUSH_BATCH)
    credentials: dict[Annotated[str, StringConstraints(max_length=36)],
                      Annotated[str, StringConstraints(max_length=100)]] = Field(
        default_factory=dict, max_length=64)


class ChangeResult(BaseModel):
    change_id: str
    status: p.ChangeStatus
    code: int
    message: str
    revision_id: str | None
    conflicts: int


class PushResponse(BaseModel):
    results: list[ChangeResult]
    server_time_ms: int
    clock_warning: str | None


class PulledRow(BaseModel):
    seq: int
    table: str
    row_id: str
    person_id: str
    revision_id: str
    hlc: str
    device_id: str
    worker_id: str
    append_only: bool
    fields: dict[str, Any]


class PullResponse(BaseModel):
    rows: list[PulledRow]
    next_cursor: int
    has_more: bool
    evicted_people: list[str]
    scope_version: int | None
    disabled_workers: list[str] = []


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with every $ref replaced by what it names, for a route
    that documents a body it decodes itself (OpenAPI would not resolve "#/$defs/...")."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return resolve(defs[node["$ref"].rsplit("/", 1)[-1]])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return resolve(schema)  # type: ignore[no-any-return]
