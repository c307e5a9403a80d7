"""Pydantic twins of the TypedDicts in sync.protocol (same field names; a test checks).

Every request model forbids unknown fields, so a typo in a client is a clear 422
naming the field rather than a silently ignored value, and is strict: `"granted": 0` or
`"n": "1"` is a 422, not a value quietly converted into something the client did not say.
"""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from sync import protocol as p
from sync.protocol.tables import HANDOVER_REASONS, MAX_TEXT
from sync.server.services.free_text import words_problem

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def _no_control_characters(value: str) -> str:
    # PostgreSQL refuses NUL in text (a 500 if it got that far); no field needs controls.
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError("must not contain control characters")
    return value


PlainText = AfterValidator(_no_control_characters)
UuidStr = Annotated[str, StringConstraints(pattern=UUID_PATTERN)]
Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=10, max_length=500), PlainText
]
# NDTMS client linkage as app.domain.linkage makes it: initials, birth date ddmmyyyy, sex.
LinkageKey = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}[0-9]{8}[MFI]$")]
Agency = Literal[p.AGENCIES]  # type: ignore[valid-type]
Role = Literal[p.ROLES]  # type: ignore[valid-type]
IdentifierKind = Literal[p.IDENTIFIER_KINDS]  # type: ignore[valid-type]


class Request(BaseModel):
    # Strict in Python mode (FastAPI validates the parsed JSON): no request model has a
    # date or time field; one that does needs Field(strict=False) to take an ISO string.
    model_config = ConfigDict(extra="forbid", strict=True)


class ErrorBody(BaseModel):
    error: str
    message: str
    fields: list[dict[str, str]] | None = None
    action: str | None = None
    reason: str | None = None  # device_revoked: what IT typed
    revoked_at: str | None = None  # device_revoked: when (ISO, UTC)


# Documented on every route: what any request can get back besides its own answers.
# A body that is not JSON, or not UTF-8, is a 422 as well (api/errors), never a 400.
COMMON_RESPONSES: dict[int | str, dict[str, object]] = {
    413: {"model": ErrorBody, "description": "the body is larger than the server accepts"},
    422: {"model": ErrorBody,
          "description": "invalid input, or a body that is not UTF-8 JSON; `fields` names "
          "each problem"},
}


class Health(BaseModel):
    status: Literal["ok"]
    protocol_version: int
    database: Literal["ok"]


class EnrolRequest(Request):
    code: Annotated[str, StringConstraints(min_length=5, max_length=40)]
    device_name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), PlainText
    ]
    # Both or neither (the route says so): see sync.protocol.EnrolRequest.
    username: (
        Annotated[str, StringConstraints(min_length=1, max_length=64), PlainText] | None
    ) = None
    password: Annotated[str, StringConstraints(min_length=1, max_length=1024)] | None = None


class EscrowUpload(Request):
    store_key: Annotated[str, StringConstraints(min_length=1, max_length=100)]

    @field_validator("store_key")
    @classmethod
    def _is_32_bytes_of_base64(cls, value: str) -> str:
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("must be standard base64") from None
        if len(raw) != 32:
            raise ValueError(f"must decode to 32 bytes, not {len(raw)}")
        return value


class EscrowReceipt(BaseModel):
    device_id: str
    stored_at: datetime


class SignInKey(BaseModel):
    sign_in_key: str


class SignInRequest(Request):
    username: Annotated[str, StringConstraints(min_length=1, max_length=64), PlainText]
    password: Annotated[str, StringConstraints(min_length=1, max_length=1024)]


class WorkerInfo(BaseModel):
    worker_id: str
    username: str
    display_name: str
    role: Role
    team_id: str | None
    partner_agency: Agency | None


class SignInResponse(BaseModel):
    worker: WorkerInfo
    session_token: str
    session_expires_at: str
    store_key: str | None
    sync_credential: str | None = None


class EnrolResponse(BaseModel):
    device_id: str
    device_token: str
    team_id: str
    team_name: str
    protocol_version: int
    sign_in: SignInResponse | None = None


class AppVersionReport(Request):
    # A version as packaging writes it: digits, letters, dots, plus and minus signs.
    version: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z.+\-]{1,40}$")]


class AppVersionReceipt(BaseModel):
    device_id: str
    app_version: str


class WipedReceipt(BaseModel):
    device_id: str
    wiped_at: datetime


class Identifier(Request):
    kind: IdentifierKind
    value: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9/ -]{1,40}$")]


class ConsentEntry(Request):
    agency: Agency
    granted: bool


class PersonCreate(Request):
    person_id: UuidStr
    linkage_key: LinkageKey
    identifiers: list[Identifier] = Field(default_factory=list, max_length=20)
    consents: list[ConsentEntry] = Field(default_factory=list, max_length=len(p.AGENCIES))

    @field_validator("linkage_key")
    @classmethod
    def _real_birth_date(cls, value: str) -> str:
        try:
            born = datetime.strptime(value[2:10], "%d%m%Y").date()
        except ValueError:
            raise ValueError("characters 3-10 must be a real date of birth, ddmmyyyy") from None
        if born > date.today():
            raise ValueError("the date of birth is in the future")
        return value


class ConsentUpdate(Request):
    consents: list[ConsentEntry] = Field(min_length=1, max_length=len(p.AGENCIES))


class PersonView(BaseModel):
    person_id: str
    owning_team_id: str
    linkage_key: str
    identifiers: list[Identifier]
    consents: list[ConsentEntry]


class PeoplePage(BaseModel):
    people: list[PersonView]


class LookupRequest(Request):
    linkage_key: LinkageKey | None = None
    identifier: Identifier | None = None


class LookupMatch(BaseModel):
    person_id: str
    owning_team_id: str
    linkage_key: str
    team_name: str | None = None
    consent: bool | None = None


class FetchRequest(Request):
    reason: Reason


def _in_words(value: str) -> str:
    problem = words_problem(value)
    if problem:
        raise ValueError(problem)
    return value


BreakGlassReasonCode = Literal[p.BREAK_GLASS_REASONS]  # type: ignore[valid-type]
# The code and the text go on together as one reason, in a column of 500 characters.
BREAK_GLASS_TEXT_MAX = 500 - max(len(code) for code in p.BREAK_GLASS_REASONS) - 2
BreakGlassReasonText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=10, max_length=BREAK_GLASS_TEXT_MAX),
    PlainText,
    AfterValidator(_in_words),
]


class BreakGlassRequest(Request):
    reason_code: BreakGlassReasonCode
    reason: BreakGlassReasonText
    password: Annotated[str, StringConstraints(min_length=1, max_length=1024)]


class Notification(BaseModel):
    notification_id: int
    kind: str
    created_at: str
    worker_id: str | None
    person_id: str | None
    detail: str
    read: bool


class TeamEntry(BaseModel):
    team_id: str
    name: str
    agency: str


class TeamsPage(BaseModel):
    teams: list[TeamEntry]


class TeamWorker(BaseModel):
    worker_id: str
    display_name: str
    role: str
    active: bool


def _no_nul(value: str) -> str:
    # A note keeps its line breaks; only NUL, which PostgreSQL refuses, is not text.
    if "\x00" in value:
        raise ValueError("must not contain a NUL character")
    return value


HandoverReason = Literal[HANDOVER_REASONS]  # type: ignore[valid-type]


class HandoverRequest(Request):
    to_team_id: UuidStr
    reason: HandoverReason
    note: Annotated[str, StringConstraints(max_length=MAX_TEXT), AfterValidator(_no_nul)]
    handover_id: UuidStr | None = None


class HandoverView(BaseModel):
    handover_id: str
    person_id: str
    from_team_id: str
    from_team_name: str
    to_team_id: str
    to_team_name: str
    reason: str
    note: str
    requested_by: str
    opened_at: str
    accept_by: str
    accepted_at: str | None
    accepted_by: str | None


class RecoverKeyRequest(Request):
    device_id: UuidStr
    worker_id: UuidStr
    reason: Reason


class RecoverKeyResponse(BaseModel):
    device_id: str
    store_key: str


class LaptopUser(BaseModel):
    worker_id: str
    username: str
    display_name: str


class TeamDevice(BaseModel):
    device_id: str
    name: str
    enrolled_at: str
    last_seen_at: str | None
    revoked: bool
    revoked_at: str | None
    users: list[LaptopUser]


class KeyRelease(BaseModel):
    device_id: str
    device_name: str
    worker_id: str
    username: str
    display_name: str
    state: Literal["pending", "approved", "refused"]
    requested_at: str | None
    decided_at: str | None
    decided_by: str | None
