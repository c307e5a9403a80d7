"""Writing the append-only audit log and telling team leads what they must see.

The log is a hash chain: each event holds the entry_hash of the event before it
(`prev_hash`) and its own `entry_hash`, an HMAC over prev_hash and its content under a
key derived from the master key. The master key never enters the database, so someone
who can write to the database (and drop the triggers that refuse UPDATE and DELETE)
can remove or edit events but cannot make the chain whole again: `verify_chain` finds
the first event where it breaks. What the chain cannot show is that its newest events
were removed; a head hash kept somewhere else can (docs/SERVER.md).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from psycopg.pq import TransactionStatus
from sqlalchemy import Connection, Row, select, text
from sqlalchemy.orm import Session, sessionmaker

from sync.server import db
from sync.server.models import AuditEvent, Notification
from sync.server.models.base import utcnow

GENESIS = "0" * 64  # the prev_hash of the first event
# Changing it (or the content below) makes every existing chain unverifiable.
_KEY_LABEL = b"insideout server audit chain v1"


def record(
    session: Session,
    action: str,
    *,
    actor: str,
    worker_id: str | None = None,
    device_id: str | None = None,
    person_id: str | None = None,
    **detail: str | int | bool | None,
) -> AuditEvent:
    """Append one event. `detail` must never carry secrets (keys, tokens, passwords).

    Appending locks the chain until the caller's transaction ends (two appenders must
    not both link to the same event), so every other audit event in every server
    process waits for this transaction: audit events are for security-relevant acts
    (a sign-in, a revoked device, a break-glass read), never one per synced row.
    """
    key = chain_key(db.master_key_of(session))  # no key, no event: fails before any write
    _lock_chain(session)
    event = AuditEvent(
        at=utcnow(),  # taken under the lock: times grow along the chain, as ids do
        action=action,
        actor=actor,
        worker_id=worker_id,
        device_id=device_id,
        person_id=person_id,
        detail=json.dumps(detail, sort_keys=True),
        keyed=True,
    )
    event.id, event.prev_hash = _next_id_and_head(session)
    event.entry_hash = keyed_hash(key, event.prev_hash, content_of(event))
    session.add(event)
    session.flush()  # in the chain at once: a second record() in this transaction reads it
    return event


def notify_team(
    session: Session, team_ids: set[str], event: AuditEvent, *, kind: str, text: str
) -> list[Notification]:
    """One notification per team; the team's leads read them at /team/notifications."""
    notes = [
        Notification(
            team_id=team_id,
            kind=kind,
            worker_id=event.worker_id,
            person_id=event.person_id,
            detail=text[:600],
            audit_event_id=event.id,
        )
        for team_id in sorted(team_ids)
    ]
    session.add_all(notes)
    return notes


def seal_unkeyed_events(session: Session, *, actor: str) -> AuditEvent | None:
    """After migration 0008, when the chain holds only the events it linked without a key,
    append the first keyed event: its HMAC covers their head, so from now on they cannot
    be rewritten unseen either. Does nothing on any later start."""
    _lock_chain(session)  # two processes starting at once write one seal, not two
    if _any_event(session, keyed=True) or not _any_event(session, keyed=False):
        return None
    return record(session, "audit.chain_keyed", actor=actor)


def _any_event(session: Session, *, keyed: bool) -> bool:
    query = select(AuditEvent.id).where(AuditEvent.keyed == keyed).limit(1)
    return session.scalar(query) is not None


# -- the chain ---------------------------------------------------------------------------


def chain_key(master_key: bytes) -> bytes:
    """A key for the chain alone: the master key itself also seals escrowed keys."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KEY_LABEL).derive(
        master_key
    )


def content_of(event: AuditEvent | Row) -> list[object]:
    """What an event's hash covers, in a fixed order."""
    return [event.id, _at_text(event.at), event.action, event.actor, event.worker_id,
            event.device_id, event.person_id, event.detail]


def keyed_hash(key: bytes, prev_hash: str, content: list[object]) -> str:
    return hmac.new(key, _canonical(prev_hash, content), hashlib.sha256).hexdigest()


def unkeyed_hash(prev_hash: str, content: list[object]) -> str:
    """How migration 0008 linked the events older than the chain (it has no key)."""
    return hashlib.sha256(_canonical(prev_hash, content)).hexdigest()


def _canonical(prev_hash: str, content: list[object]) -> bytes:
    # A JSON array: no two different contents serialise alike (no separator tricks).
    return json.dumps([prev_hash, *content], separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def _at_text(at: datetime) -> str:
    # Naive values are UTC (how the column stores them); microseconds survive both backends.
    aware = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return aware.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def lock_chain(session: Session) -> None:
    """Hold the chain until this transaction ends, before reading what to append."""
    _lock_chain(session)


def _lock_chain(session: Session) -> None:
    """Serialise appenders until this transaction ends. SQLite's writers already are
    (db.py begins every transaction IMMEDIATE); PostgreSQL's take an advisory lock."""
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return
    if _statement_by_statement(conn):
        # The lock would end with its own statement and two appenders could fork the chain.
        raise RuntimeError("audit events cannot be recorded in a session whose statements "
                           "commit one by one (db.commit_each_statement)")
    conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": db.AUDIT_CHAIN_LOCK_ID})


def _statement_by_statement(conn: Connection) -> bool:
    """Whether each statement commits by itself: the driver does not begin transactions
    and none is open. One begun by an explicit BEGIN (db.begin_with_first_statement, a
    push) holds the lock to its COMMIT like any other."""
    if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
        return False
    raw = conn.connection.driver_connection
    return raw.info.transaction_status == TransactionStatus.IDLE  # type: ignore[union-attr]


def _next_id_and_head(session: Session) -> tuple[int, str]:
    """The new event's id and the entry_hash it links to, read under the lock. Ids are
    taken here, not at INSERT, because the hash covers the id; taken under the lock,
    they grow in the order events join the chain."""
    if session.get_bind().dialect.name == "postgresql":
        row = session.execute(text(
            "SELECT (SELECT entry_hash FROM audit_events ORDER BY id DESC LIMIT 1),"
            " nextval(pg_get_serial_sequence('audit_events', 'id'))")).one()
        return row[1], row[0] or GENESIS
    last = session.execute(select(AuditEvent.id, AuditEvent.entry_hash)
                        .order_by(AuditEvent.id.desc()).limit(1)).first()
    return (last.id + 1, last.entry_hash) if last else (1, GENESIS)


# -- verification ------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    events: int  # events that verified
    unkeyed: int  # of those, linked by migration 0008 without the key
    head_id: int | None
    head_hash: str
    broken_at: int | None = None  # the id of the first event that does not verify
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


_COLUMNS = (AuditEvent.id, AuditEvent.at, AuditEvent.action, AuditEvent.actor,
            AuditEvent.worker_id, AuditEvent.device_id, AuditEvent.person_id,
            AuditEvent.detail, AuditEvent.prev_hash, AuditEvent.entry_hash, AuditEvent.keyed)


def verify_chain(sessions: sessionmaker[Session], *, page: int = 1000) -> ChainReport:
    """Walk every event in id order up to the first broken link, `page` events per short
    transaction (one long one would hold SQLite's write lock, and PostgreSQL's oldest
    snapshot, for the whole walk). Paging by id is safe: events are only ever added
    after the last. A gap in ids is no break by itself (PostgreSQL sequences skip)."""
    walk = _Walk()
    with sessions.begin() as session:
        key = chain_key(db.master_key_of(session))
    while True:
        query = select(*_COLUMNS).order_by(AuditEvent.id).limit(page)
        if walk.head_id is not None:
            query = query.where(AuditEvent.id > walk.head_id)
        with sessions.begin() as session:
            rows = session.execute(query).all()
        if not rows or not walk.take(key, rows):
            return walk.report()


class _Walk:
    """Where a walk along the chain has got to."""

    def __init__(self) -> None:
        self.events = self.unkeyed = 0
        self.head_id: int | None = None
        self.head_hash, self.keyed_seen = GENESIS, False
        self.broken_at: int | None = None
        self.problem = ""

    def take(self, key: bytes, rows: Iterable[Row]) -> bool:
        """Check `rows`, which follow the head; False at the first that breaks the chain."""
        for row in rows:
            self.problem = _problem(key, row, self.head_id, self.head_hash, self.keyed_seen)
            if self.problem:
                self.broken_at = row.id
                return False
            self.events, self.unkeyed = self.events + 1, self.unkeyed + (not row.keyed)
            self.head_id, self.head_hash = row.id, row.entry_hash
            self.keyed_seen = self.keyed_seen or row.keyed
        return True

    def report(self) -> ChainReport:
        return ChainReport(self.events, self.unkeyed, self.head_id, self.head_hash,
                           self.broken_at, self.problem)


def _problem(key: bytes, row: Row, prev_id: int | None, prev_hash: str,
             keyed_seen: bool) -> str:
    if row.prev_hash != prev_hash:
        before = f"event {prev_id}" if prev_id is not None else "the start of the log"
        return (f"its prev_hash does not match the entry_hash of {before}: events between "
                "them were removed, or this one was moved or altered")
    if not row.keyed:
        if keyed_seen:
            return "it claims to predate the chain but follows keyed events"
        if unkeyed_hash(row.prev_hash, content_of(row)) != row.entry_hash:
            return "its content does not match its hash: it was altered"
        return ""
    if not hmac.compare_digest(keyed_hash(key, row.prev_hash, content_of(row)),
                               row.entry_hash):
        return ("its content does not match its hash: it was altered, or hashed with "
                "another key than this server's master key")
    return ""
