"""Wire shapes and the protocol version: the only module the client and the server share.

Standard library only (the desktop client has no pydantic). The server wraps most of
these shapes in pydantic models with the same field names; a test keeps the two in step.
The sync shapes have no twin: the server decodes pushes and documents push and pull from
them as they are here, adding only its limits (sync/server/api/sync_wire.py).
Every JSON body is a dict; bytes travel as standard base64 text.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Final, Literal, NotRequired, TypedDict

PROTOCOL_VERSION: Final = 1
API_PREFIX: Final = "/api/v1"

# Headers. The device credential travels as `Authorization: Bearer <device token>`;
# a signed-in worker's session rides alongside it in its own header.
SESSION_HEADER: Final = "X-InsideOut-Session"

# Paths under API_PREFIX. Sync (push / pull by server cursor) arrives with the sync issue
# as SYNC_PUSH_PATH and SYNC_PULL_PATH; the names are reserved here so clients can plan.
HEALTH_PATH: Final = "/health"
ENROL_PATH: Final = "/devices/enrol"
ESCROW_PATH: Final = "/devices/me/escrow"
SIGN_IN_PATH: Final = "/auth/sign-in"
PEOPLE_PATH: Final = "/people"
LOOKUP_PATH: Final = "/people/lookup"
NOTIFICATIONS_PATH: Final = "/team/notifications"
RECOVER_PATH: Final = "/team/recover-key"
# Workers new to a laptop asking for its key (server policy `approval`): a lead lists them
# here, and approves or refuses one at TEAM_DEVICES_PATH/{device_id}/workers/{worker_id}/
# approve (or /refuse); approving a worker who has not asked yet approves them ahead.
KEY_RELEASES_PATH: Final = "/team/key-releases"
TEAM_DEVICES_PATH: Final = "/team/devices"
# The caller's team's workers who can hold a caseload (TeamWorker each, by name): a team
# lead's laptop gives a person to any of them, not only to those it has seen.
TEAM_WORKERS_PATH: Final = "/team/workers"
# A second credential, good only for sign-in: kept outside the encrypted store so a worker
# who has never used the laptop can sign in and be given a key wrap of their own.
SIGN_IN_KEY_PATH: Final = "/devices/me/sign-in-key"
# A revoked laptop reports here, with its device token (the one call a revoked device may
# still make), that it has destroyed its keys: IT sees "revoked, wiped <time>".
WIPED_PATH: Final = "/devices/me/wiped"
# A laptop says which app version it runs (when it changes), for IT's list of laptops.
APP_VERSION_PATH: Final = "/devices/me/app-version"
SIGNING_CERT_PATH: Final = "/devices/me/signing-certificate"  # the org CA signs a CSR
SIGNING_CA_PATH: Final = "/signing-ca"
# The organisation CA's list of revoked laptop certificates (a CRL, PEM): laptops keep it
# and take a care plan signed by a revoked laptop after its revocation as untrusted.
SIGNING_CRL_PATH: Final = "/signing-ca/revoked"
# The teams a person can be handed over to (id, name, agency), for the laptop to offer.
TEAMS_PATH: Final = "/teams"
# POST PEOPLE_PATH/{person_id}/handover: the same as a pushed handover request, online.
HANDOVER_SUFFIX: Final = "/handover"
SYNC_PUSH_PATH: Final = "/sync/push"
SYNC_PULL_PATH: Final = "/sync/pull"

ROLES: Final = ("worker", "team_lead", "admin", "partner_readonly")
Role = Literal["worker", "team_lead", "admin", "partner_readonly"]

AGENCIES: Final = (
    "police",
    "probation",
    "prison",
    "treatment_provider",
    "housing",
    "social_services",
    "young_peoples_service",
)
Agency = Literal[
    "police",
    "probation",
    "prison",
    "treatment_provider",
    "housing",
    "social_services",
    "young_peoples_service",
]

IDENTIFIER_KINDS: Final = ("pnc", "nomis", "nhs", "ndtms_client_ref", "local")
IdentifierKind = Literal["pnc", "nomis", "nhs", "ndtms_client_ref", "local"]

# Machine-readable error codes (the `error` field of every 4xx/5xx body).
ERR_INVALID_REQUEST: Final = "invalid_request"
ERR_BODY_TOO_LARGE: Final = "body_too_large"
ERR_RATE_LIMITED: Final = "rate_limited"
ERR_UNAUTHENTICATED: Final = "unauthenticated"
ERR_DEVICE_REVOKED: Final = "device_revoked"
ERR_BAD_ENROLMENT_CODE: Final = "bad_enrolment_code"
ERR_INVALID_CREDENTIALS: Final = "invalid_credentials"
ERR_WORKER_DISABLED: Final = "worker_disabled"
ERR_SESSION_REQUIRED: Final = "session_required"
ERR_WRONG_TEAM: Final = "wrong_team"
ERR_FORBIDDEN_ROLE: Final = "forbidden_role"
ERR_NOT_IN_SCOPE: Final = "not_in_scope"
ERR_CONSENT_REQUIRED: Final = "consent_required"
ERR_NOT_FOUND: Final = "not_found"
ERR_CONFLICT: Final = "conflict"
ERR_NO_ESCROW: Final = "no_escrow"
# A worker new to a laptop, password right, not (yet) approved for it: no key, no session.
# Pending: their team lead has been asked. Refused: the lead said no. (403; a laptop from
# before these shows the server's message, which says the same in words.)
ERR_KEY_RELEASE_PENDING: Final = "key_release_pending"
ERR_KEY_RELEASE_REFUSED: Final = "key_release_refused"
# What a client must do when it sees ERR_DEVICE_REVOKED.
ACTION_DESTROY_LOCAL_KEYS: Final = "destroy_local_keys"


class FieldProblem(TypedDict):
    field: str  # dotted location, e.g. "body.username"
    problem: str


class ErrorBody(TypedDict):
    error: str
    message: str
    fields: NotRequired[list[FieldProblem]]
    action: NotRequired[str]
    # With ERR_DEVICE_REVOKED: the reason IT typed and when (ISO, UTC), for the laptop
    # to tell its worker.
    reason: NotRequired[str]
    revoked_at: NotRequired[str]


class Health(TypedDict):
    status: Literal["ok"]
    protocol_version: int
    database: Literal["ok"]


class EnrolRequest(TypedDict):
    code: str
    device_name: str
    # The worker who enrols: checked (password, account on, the code's team, a role that
    # may use a laptop) before the code is spent or the device made, all in one
    # transaction, and signed in by the same call. Laptops from before this send neither
    # and sign in by a second call (the code is then spent whatever that call says).
    username: NotRequired[str]
    password: NotRequired[str]


class EnrolResponse(TypedDict):
    device_id: str
    device_token: str  # shown once; the server keeps only its hash
    team_id: str
    team_name: str
    protocol_version: int
    # The enrolling worker's sign-in, when the request named one.
    sign_in: NotRequired[SignInResponse | None]


class EscrowUpload(TypedDict):
    store_key: str  # base64 of the raw 32-byte local store key


class EscrowReceipt(TypedDict):
    device_id: str
    stored_at: str


class SignInKey(TypedDict):
    sign_in_key: str  # shown once; replaces any earlier one; the server keeps only its hash


class SignInRequest(TypedDict):
    username: str
    password: str


class WorkerInfo(TypedDict):
    worker_id: str
    username: str
    display_name: str
    role: Role
    team_id: str | None
    partner_agency: Agency | None


class SignInResponse(TypedDict):
    worker: WorkerInfo
    session_token: str
    session_expires_at: str
    # The escrowed store key, so a second worker can get a wrap on a device that
    # already has a store. None when the device has not escrowed its key yet.
    store_key: str | None
    # This worker's credential for syncing from this laptop (kept in its encrypted
    # store): the server takes a pushed change's author from it. Any earlier one for
    # the same worker and laptop stops working. None for a role that may not write.
    sync_credential: NotRequired[str | None]


class Identifier(TypedDict):
    kind: IdentifierKind
    value: str


class ConsentEntry(TypedDict):
    agency: Agency
    granted: bool


class PersonCreate(TypedDict):
    person_id: str  # UUID made by the client
    linkage_key: str  # NDTMS: initials + date of birth ddmmyyyy + sex (M/F/I), "DS07031986M"
    identifiers: list[Identifier]
    consents: list[ConsentEntry]


class ConsentUpdate(TypedDict):
    consents: list[ConsentEntry]


class PersonView(TypedDict):
    person_id: str
    owning_team_id: str
    linkage_key: str
    identifiers: list[Identifier]
    consents: list[ConsentEntry]


class PeoplePage(TypedDict):
    people: list[PersonView]


class LookupRequest(TypedDict):
    linkage_key: NotRequired[str]
    identifier: NotRequired[Identifier]


class LookupMatch(TypedDict):
    person_id: str
    owning_team_id: str
    linkage_key: str
    # Older servers send neither.
    team_name: NotRequired[str]  # the owning team's name, to ask its lead
    consent: NotRequired[bool]  # whether the person's consent covers the caller's agency


class FetchRequest(TypedDict):
    reason: str


# Why a worker broke glass: one of these codes, and the reason in their words beside it.
BREAK_GLASS_REASONS: Final = ("risk_to_life", "safeguarding", "medical_emergency",
                              "court_or_release_today")
BreakGlassReason = Literal["risk_to_life", "safeguarding", "medical_emergency",
                           "court_or_release_today"]


class BreakGlassRequest(TypedDict):
    reason_code: BreakGlassReason
    reason: str
    password: str  # the worker's password again: break-glass is never one click away


class Notification(TypedDict):
    notification_id: int
    kind: str
    created_at: str
    worker_id: str | None
    person_id: str | None
    detail: str
    read: bool


class TeamEntry(TypedDict):
    team_id: str
    name: str
    agency: str


class TeamsPage(TypedDict):
    teams: list[TeamEntry]


class TeamWorker(TypedDict):
    """A worker of the caller's team (GET TEAM_WORKERS_PATH). `display_name` is the name
    an allocation must give them (the server refuses another); `active`: not switched
    off, so a person can be given to them."""

    worker_id: str
    display_name: str
    role: str  # "worker" or "team_lead"
    active: bool


class HandoverRequest(TypedDict):
    """Hand a person to another team (the API's form of a pushed handover request)."""

    to_team_id: str
    reason: str  # one of sync.protocol.tables.HANDOVER_REASONS
    note: str
    # The client-made id of the handover (a pushed request's row id): sending the same
    # request again returns the same handover instead of a 409. The server makes one
    # when it is left out.
    handover_id: NotRequired[str]


class HandoverView(TypedDict):
    """A handover as the server holds it: the answer to POST .../handover. The fields
    are those of its HANDOVERS_TABLE row (its row id is `handover_id`)."""

    handover_id: str
    person_id: str
    from_team_id: str
    from_team_name: str
    to_team_id: str
    to_team_name: str
    reason: str
    note: str
    requested_by: str
    opened_at: str  # ISO, UTC
    accept_by: str  # YYYY-MM-DD: the last day to accept before both leads are told
    accepted_at: str | None
    accepted_by: str | None


class RecoverKeyRequest(TypedDict):
    device_id: str
    worker_id: str  # the worker who forgot their passphrase
    reason: str


class RecoverKeyResponse(TypedDict):
    device_id: str
    store_key: str


class LaptopUser(TypedDict):
    """A worker who has signed in online on a laptop (a sync credential was issued)."""

    worker_id: str
    username: str
    display_name: str


class TeamDevice(TypedDict):
    """One of the caller's team's laptops (GET TEAM_DEVICES_PATH, a team lead's sign-in):
    enough for a lead on the phone to pick the laptop a worker is sitting at."""

    device_id: str
    name: str  # as typed at enrolment
    enrolled_at: str  # ISO, UTC
    last_seen_at: str | None  # its last contact with the server; None: never since
    revoked: bool  # a revoked laptop's key is never recovered
    revoked_at: str | None
    users: list[LaptopUser]  # by display name


KeyReleaseState = Literal["pending", "approved", "refused"]


class KeyRelease(TypedDict):
    """One laptop and one worker: whether the server may give the worker its key."""

    device_id: str
    device_name: str
    worker_id: str
    username: str
    display_name: str
    state: KeyReleaseState
    requested_at: str | None  # ISO, UTC; None: approved before they asked
    decided_at: str | None
    decided_by: str | None


class AppVersionReport(TypedDict):
    version: str  # as the installed package says it, e.g. 0.1.0 or 0.2.0+local


class AppVersionReceipt(TypedDict):
    device_id: str
    app_version: str


class WipedReceipt(TypedDict):
    device_id: str
    wiped_at: str  # the first report's time: a repeat changes nothing


# ---- sync: push changes, pull by a server-assigned cursor ------------------------------
# A change carries a whole row as JSON scalars; the server merges it field by field
# against the revision it was edited from. Conflicts travel in the same feed as rows,
# as rows of the pseudo-table CONFLICTS_TABLE, so every device sees them.
CONFLICTS_TABLE: Final = "_conflicts"
# A worker's decision on a conflict. Laptops never write a server table ("_" names):
# they push a resolution, and the server marks its own conflict row resolved.
RESOLUTIONS_TABLE: Final = "conflict_resolutions"
# A person handed over on purpose between teams. A laptop pushes a request (the server
# moves the person to the receiving team, whose laptops get them at their next pull) and
# later an acceptance from the receiving team; the server keeps the handover itself as a
# row of HANDOVERS_TABLE, which both teams' laptops receive. The sending team keeps read
# access until the handover is accepted.
HANDOVERS_TABLE: Final = "_handovers"
HANDOVER_REQUESTS_TABLE: Final = "handover_requests"
HANDOVER_ACCEPTANCES_TABLE: Final = "handover_acceptances"
# Rows that freeze once a field has a value: a signed care plan never changes again.
FROZEN_WHEN: Final = {"care_plan_versions": ("status", "signed")}
# Fields that name another person, beside a row's own person_id: such a row depends on
# that person's rows too (a merge names the record folded into the survivor, and the
# folded record names its survivor).
PERSON_REFERENCES: Final = {"person_merges": ("survivor_id", "merged_id"),
                            "people": ("merged_into",)}
MAX_PUSH_BATCH: Final = 500
# A push body's size the client keeps under: half the server's default body limit
# (1 MiB), so rows with signatures or long notes never make a batch the server refuses.
MAX_PUSH_BYTES: Final = 512 * 1024
MAX_PULL_PAGE: Final = 2000
# A device whose clock is further than this from the server's is flagged (never trusted).
CLOCK_SKEW_WARNING_MS: Final = 10 * 60 * 1000
# A change stamped further ahead of the server's clock than this is not taken yet
# (answered 425): stored, its stamp would spread to every laptop's clock. It stays on
# the laptop and goes through once the laptop's clock is right and time has caught up.
MAX_CLOCK_AHEAD_MS: Final = 60 * 60 * 1000
NOT_YET: Final = 425  # a change's code when it is kept for a later cycle, not refused
# A change whose worker has no good sync credential on this laptop yet (they have not
# signed in online there since the laptop was updated): kept for later, not refused.
NOT_VERIFIED: Final = 401
KEPT_FOR_LATER: Final = frozenset({NOT_YET, NOT_VERIFIED})

ChangeStatus = Literal["applied", "merged", "duplicate", "refused"]


class Change(TypedDict):
    # The server's limits on each field are sync_wire.CHANGE_RULES: a new field that is not
    # a bool or a number needs a rule there, or the server will not start.
    change_id: str
    table: str
    row_id: str
    person_id: str  # the person the row belongs to: what decides who may see it
    revision_id: str
    base_revision_id: str | None
    hlc: str
    worker_id: str
    append_only: bool  # signed plans, outcome forms, history: never merged, never changed
    fields: dict[str, Any]
    content_hash: str
    linkage_key: NotRequired[str | None]  # for a person row: lets other teams find them


class PushRequest(TypedDict):
    changes: list[Change]
    # worker id -> that worker's sync credential for this laptop (SignInResponse), for
    # each worker whose changes the push holds: the server takes the author from it.
    credentials: NotRequired[dict[str, str]]


class ChangeResult(TypedDict):
    change_id: str
    status: ChangeStatus
    code: int  # the HTTP status this change alone would have had
    message: str
    revision_id: str | None
    conflicts: int


class PushResponse(TypedDict):
    results: list[ChangeResult]
    server_time_ms: int
    clock_warning: str | None


class PulledRow(TypedDict):
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


class PullResponse(TypedDict):
    rows: list[PulledRow]
    next_cursor: int
    has_more: bool
    evicted_people: list[str]  # no longer this device's to hold: remove them locally
    # On a page that looked at scope changes: save it with the page, send it back as
    # `scope_seen` on the next cycle's first page. None on other pages.
    scope_version: int | None
    # Workers of this laptop's team whose accounts are switched off: the laptop removes
    # their key wraps and credentials, so they can no longer unlock it even offline.
    disabled_workers: NotRequired[list[str]]


def people_of(change: Change) -> set[str]:
    """Every person a change's row depends on: its own, and any its fields name."""
    named = (change["fields"].get(name) for name in PERSON_REFERENCES.get(change["table"], ()))
    return {change["person_id"], *(str(person) for person in named if person)}


def content_hash(change: Change | dict[str, Any]) -> str:
    """SHA-256 over the canonical JSON of what a change says (not its transport details)."""
    canonical = json.dumps(
        [change["table"], change["row_id"], change["person_id"], change["revision_id"],
         change["base_revision_id"], change["append_only"], change["fields"]],
        sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
