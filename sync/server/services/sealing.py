"""The server's copy of the record, sealed at rest.

- Record text (`fields_json` of sync_rows and sync_revisions, conflicts included) is
  sealed with AES-256-GCM under the pushing device's team data key, as
  "s1.<key id>.<base64 of nonce + ciphertext>". The associated data is the row's
  (table, row id, revision id): a ciphertext moved onto another row fails to open. A
  current row and the same revision kept later in sync_revisions share that triple, so
  a superseded row moves into the history as it is, without sealing it again.
- Team data keys are random, made on first use, and kept in `team_keys` wrapped by a key
  derived from the master key; unwrapped, they stay in this process's memory.
- What lookups match (linkage keys, identifiers) is kept as an HMAC-SHA256 under another
  key derived from the master key, "h1:<hex>", with a sealed copy ("r1.<base64>") under a
  third, for showing back. Those copies use a master-derived key, not a team's, because
  lookups and the registry span teams and a person can move team.
- Text written before migration 0009 is plaintext JSON, starting with "{": readers take
  it as it is, and `seal_existing` seals it.

Nothing here ever falls back to plaintext for a row that claims to be sealed: a row that
fails to open is an `UnreadableRow` naming the row.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from sync.server import crypto, db
from sync.server.models import TeamKey, utcnow
from sync.server.storage import bulk

RECORD_PREFIX = "s1."
REGISTRY_PREFIX = "r1."
HASH_PREFIX = "h1:"
LEGACY_PREFIX = "{"  # record text from before migration 0009: a JSON object
_WRAP_LABEL = "insideout team data key wrap v1"
_LOOKUP_LABEL = "insideout lookup hash v1"
_REGISTRY_LABEL = "insideout registry copy v1"
_NONCE = crypto.NONCE_BYTES
_KEY_COLUMNS = ("id", "team_id", "nonce", "wrapped")


class UnreadableRow(RuntimeError):
    """A stored row that does not open: tampered with, moved, or sealed under a key this
    server does not hold (another master key). Never skipped: the row is named."""


@dataclass(frozen=True)
class DataKey:
    id: str
    team_id: str
    aead: AESGCM


class Keyring:
    """The keys of one master key and one database, kept for the life of the process."""

    def __init__(self, master_key: bytes) -> None:
        self._wrap_key = crypto.derive_key(master_key, _WRAP_LABEL)
        self._lookup_key = crypto.derive_key(master_key, _LOOKUP_LABEL)
        self._registry = AESGCM(crypto.derive_key(master_key, _REGISTRY_LABEL))
        self.by_id: dict[str, DataKey] = {}  # every key opened, for reading
        # Each team's key, for sealing: only once the key's row has committed, so rows
        # are never sealed under a key whose row a rollback took away.
        self.current: dict[str, DataKey] = {}

    def unwrap(self, key_id: str, team_id: str, nonce: bytes, wrapped: bytes) -> DataKey:
        raw = crypto.unseal(self._wrap_key, bytes(nonce), bytes(wrapped),
                            context=_wrap_context(key_id, team_id))
        key = DataKey(key_id, team_id, AESGCM(raw))
        self.by_id[key_id] = key
        return key

    def new_key_row(self, team_id: str) -> dict[str, object]:
        key_id = secrets.token_urlsafe(9)  # 12 characters, no "."
        nonce, wrapped = crypto.seal(self._wrap_key, secrets.token_bytes(crypto.KEY_BYTES),
                                     context=_wrap_context(key_id, team_id))
        return {"id": key_id, "team_id": team_id, "nonce": nonce, "wrapped": wrapped,
                "created_at": utcnow()}

    def lookup_hash(self, value: str) -> str:
        return HASH_PREFIX + hmac.digest(self._lookup_key, value.encode(), "sha256").hex()

    def seal_copy(self, value: str, context: str) -> str:
        nonce = secrets.token_bytes(_NONCE)
        sealed = self._registry.encrypt(nonce, value.encode(), context.encode())
        return REGISTRY_PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def open_copy(self, stored: str, context: str) -> str:
        blob = _b64(stored[len(REGISTRY_PREFIX):], context)
        try:
            return self._registry.decrypt(blob[:_NONCE], blob[_NONCE:],
                                          context.encode()).decode()
        except InvalidTag:
            raise UnreadableRow(f"the sealed copy of {context} does not open") from None


def _wrap_context(key_id: str, team_id: str) -> str:
    return f"team-key\x1f{key_id}\x1f{team_id}"  # a wrapped key moved to another row fails


_KEYRINGS: dict[tuple[bytes, str], Keyring] = {}


def keyring(session: Session) -> Keyring:
    """This session's keyring: per master key AND per database, so a key cached as a
    team's current key in one database is never used to seal rows in another."""
    master_key = db.master_key_of(session)
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    where = (master_key, engine.url.render_as_string(hide_password=True))
    ring = _KEYRINGS.get(where)
    if ring is None:
        ring = _KEYRINGS.setdefault(where, Keyring(master_key))
    return ring


# ---- record text ------------------------------------------------------------------------
def _ad(table: str, row_id: str, revision_id: str) -> bytes:
    return f"{table}\x1f{row_id}\x1f{revision_id}".encode()


def seal_record(key: DataKey, table: str, row_id: str, revision_id: str, text: str) -> str:
    nonce = secrets.token_bytes(_NONCE)
    sealed = key.aead.encrypt(nonce, text.encode(), _ad(table, row_id, revision_id))
    return f"{RECORD_PREFIX}{key.id}.{base64.b64encode(nonce + sealed).decode('ascii')}"


def seal_rows(key: DataKey, rows: Iterable[dict[str, object]]) -> list[dict[str, object]]:
    """Copies of sync_rows / sync_revisions rows with `fields_json` sealed; a row that
    carries its stored form already (`sealed`, from the database) keeps it."""
    out = []
    for row in rows:
        sealed = row.get("sealed") or seal_record(
            key, str(row["table_name"]), str(row["row_id"]), str(row["revision_id"]),
            str(row["fields_json"]))
        out.append({k: v for k, v in row.items() if k != "sealed"} | {"fields_json": sealed})
    return out


Stored = tuple[str, str, str, str]  # (table, row id, revision id, fields_json as stored)


def open_records(session: Session, rows: Sequence[Stored]) -> list[str]:
    """Each row's record text (JSON). Keys not yet in memory are read in one statement."""
    ring = keyring(session)
    wanted = {_key_id(row) for row in rows if row[3].startswith(RECORD_PREFIX)}
    _load_keys(session, ring, wanted - ring.by_id.keys())
    return [_open(ring, *row) for row in rows]


def is_sealed(stored: str) -> bool:
    return stored.startswith(RECORD_PREFIX)


def _key_id(row: Stored) -> str:
    return row[3][len(RECORD_PREFIX):].split(".", 1)[0]


def _open(ring: Keyring, table: str, row_id: str, revision_id: str, stored: str) -> str:
    if stored.startswith(LEGACY_PREFIX):
        return stored  # from before migration 0009; seal_existing seals it
    if not stored.startswith(RECORD_PREFIX):
        raise UnreadableRow(f"{_row(table, row_id, revision_id)} holds neither sealed nor "
                            "legacy text")
    key_id, _, body = stored[len(RECORD_PREFIX):].partition(".")
    key = ring.by_id.get(key_id)
    if key is None:
        raise UnreadableRow(f"{_row(table, row_id, revision_id)} is sealed under key "
                            f"{key_id!r}, which this server does not hold")
    try:  # strict, in C: base64.b64decode(validate=True) first runs a regex over it all
        blob = memoryview(binascii.a2b_base64(body, strict_mode=True))  # sliced, not copied
        return key.aead.decrypt(blob[:_NONCE], blob[_NONCE:],
                                _ad(table, row_id, revision_id)).decode()
    except (binascii.Error, ValueError, InvalidTag):
        raise UnreadableRow(f"{_row(table, row_id, revision_id)} does not open: altered, "
                            "damaged, or moved from another row") from None


def _row(table: str, row_id: str, revision_id: str) -> str:
    return f"{table} row {row_id} (revision {revision_id})"


def _b64(text: str, where: str) -> bytes:
    try:  # strict, in C: base64.b64decode(validate=True) first runs a regex over it all
        return binascii.a2b_base64(text, strict_mode=True)
    except (binascii.Error, ValueError):
        raise UnreadableRow(f"{where}: its sealed text is damaged") from None


def _load_keys(session: Session, ring: Keyring, key_ids: set[str]) -> None:
    if not key_ids:
        return
    for row in bulk.by_keys(session, TeamKey.__table__, _KEY_COLUMNS, ("id",),
                            [(key_id,) for key_id in key_ids]):
        ring.unwrap(*row)  # a key that fails to unwrap: InvalidTag, another master key


# ---- a team's key, for sealing -------------------------------------------------------------
def cached_team_key(session: Session, team_id: str) -> DataKey | None:
    return keyring(session).current.get(team_id)


def team_key_later(session: Session, team_id: str) -> Callable[[], DataKey]:
    """The team's key, made if it has none: sent now (inside a push's write pipeline: no
    round trip of its own), read when called. A candidate key is inserted unless the team
    has one (the unique team id settles two at once), and the team's key read back.
    Call `remember` once the transaction has committed."""
    ring = keyring(session)
    bulk.insert(session, TeamKey.__table__, [ring.new_key_row(team_id)],
                ignore_duplicates=True)
    read = bulk.by_keys_later(session, TeamKey.__table__, _KEY_COLUMNS, ("team_id",),
                              [(team_id,)])
    return lambda: ring.unwrap(*read()[0])


def team_key(session: Session, team_id: str) -> DataKey:
    """`team_key_later` at once, for writers off the push path."""
    key = cached_team_key(session, team_id)
    return key if key is not None else team_key_later(session, team_id)()


def remember(session: Session, key: DataKey) -> None:
    """After the commit that made or first used `key`: seal the team's rows under it
    from now on without reading it again."""
    keyring(session).current[key.team_id] = key


# ---- registry: linkage keys and identifiers ----------------------------------------------
def lookup_hash(session: Session, value: str) -> str:
    return keyring(session).lookup_hash(value)


def linkage_context(person_id: str) -> str:
    return f"linkage key of person {person_id}"


def identifier_context(person_id: str, kind: str) -> str:
    return f"{kind} identifier of person {person_id}"


def handover_note_context(handover_id: str) -> str:
    return f"note of handover {handover_id}"


def seal_copy(session: Session, value: str, context: str) -> str:
    return keyring(session).seal_copy(value, context)


def open_copy(session: Session, stored: str | None, fallback: str, context: str) -> str:
    """The value as typed: opened from its sealed copy, or (written before migration 0009
    and not yet sealed) the plaintext column itself."""
    if stored is None:
        if fallback.startswith(HASH_PREFIX):
            raise UnreadableRow(f"the {context} has a hash but no sealed copy")
        return fallback
    return keyring(session).open_copy(stored, context)


def open_linkage(session: Session, person_id: str, stored_hash: str,
                 sealed: str | None) -> str:
    return open_copy(session, sealed, stored_hash, linkage_context(person_id))


def linkage_columns(session: Session, person_id: str, linkage_key: str) -> dict[str, str]:
    """The `people` columns for a linkage key as typed."""
    ring = keyring(session)
    return {"linkage_key": ring.lookup_hash(linkage_key),
            "linkage_sealed": ring.seal_copy(linkage_key, linkage_context(person_id))}


def identifier_columns(session: Session, person_id: str, kind: str,
                       value: str) -> dict[str, str]:
    """The `person_identifiers` columns for an identifier as typed."""
    ring = keyring(session)
    return {"person_id": person_id, "kind": kind, "value": ring.lookup_hash(value),
            "value_sealed": ring.seal_copy(value, identifier_context(person_id, kind))}
