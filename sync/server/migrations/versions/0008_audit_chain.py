"""Hash chain over audit_events: prev_hash, entry_hash and keyed on every event.

Revision ID: 0008
Revises: 0007

New events are chained by `services/audit.record` with an HMAC under a key derived from
the master key. A migration has no master key (it runs from `db.migrate`, which is given
none, and the key must never be written to the database), so the events already there
are chained here with plain SHA-256 over the same content and marked `keyed = false`.

Why not leave them unmarked and hash them with the key at the first start? That start
would have to UPDATE the table, so the trigger that refuses UPDATE would have to allow
some updates from then on, or the server would have to drop and recreate it at run
time. Chaining them here keeps the triggers absolute after this migration.

The first keyed event after them (`audit.chain_keyed`, written by
`audit.seal_unkeyed_events` when an admin command or the server starts, or else the
next event of any kind) carries their head hash in its HMAC, so from then on they
cannot be rewritten unseen either. Until then, someone with write access could rewrite
them and recompute their SHA-256 links, exactly as they could before this migration: no
protection is lost. `verify-audit` counts them and accepts unkeyed events only before
the first keyed one. What no check inside the database can tell apart: a whole log
replaced by unkeyed events, from a log never sealed; a head hash kept elsewhere can.

The hashing below is a frozen copy of `services/audit.unkeyed_hash`: a migration must
not change when the service code does. tests/server/test_migrations.py checks that the
two agree (the chain this migration makes verifies).
"""

import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
PAGE = 1000  # events read and updated at a time: memory stays flat on a large log

# As migration 0001 made them; the UPDATE trigger is lifted while the columns are filled.
SQLITE_TRIGGERS = {
    "audit_events_no_update": """CREATE TRIGGER audit_events_no_update BEFORE UPDATE
        ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END""",
    "audit_events_no_delete": """CREATE TRIGGER audit_events_no_delete BEFORE DELETE
        ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END""",
}
POSTGRES_TRIGGER = """CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE
    ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"""

events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer()), sa.column("at", sa.DateTime()),
    sa.column("action", sa.String()), sa.column("actor", sa.String()),
    sa.column("worker_id", sa.String()), sa.column("device_id", sa.String()),
    sa.column("person_id", sa.String()), sa.column("detail", sa.Text()),
    sa.column("prev_hash", sa.String()), sa.column("entry_hash", sa.String()),
    sa.column("keyed", sa.Boolean()),
)


def upgrade() -> None:
    for name, type_ in (("prev_hash", sa.String(64)), ("entry_hash", sa.String(64)),
                        ("keyed", sa.Boolean())):
        op.add_column("audit_events", sa.Column(name, type_, nullable=True))
    postgres = op.get_bind().dialect.name == "postgresql"
    _drop_triggers(postgres)
    _chain_existing_events()
    _not_null()
    _create_triggers(postgres)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    _drop_triggers(postgres)
    with op.batch_alter_table("audit_events") as batch:
        for name in ("keyed", "entry_hash", "prev_hash"):
            batch.drop_column(name)
    _create_triggers(postgres)


def _chain_existing_events() -> None:
    conn = op.get_bind()
    last_id, prev_hash = 0, GENESIS
    while True:
        page = conn.execute(sa.select(events).where(events.c.id > last_id)
                            .order_by(events.c.id).limit(PAGE)).all()
        if not page:
            return
        updates = []
        for row in page:
            entry_hash = _unkeyed_hash(prev_hash, row)
            updates.append({"row_id": row.id, "prev": prev_hash, "entry": entry_hash})
            prev_hash = entry_hash
        conn.execute(events.update().where(events.c.id == sa.bindparam("row_id"))
                     .values(prev_hash=sa.bindparam("prev"), entry_hash=sa.bindparam("entry"),
                             keyed=False), updates)
        last_id = page[-1].id


def _unkeyed_hash(prev_hash: str, row: sa.Row) -> str:
    content = [prev_hash, row.id, _at_text(row.at), row.action, row.actor, row.worker_id,
               row.device_id, row.person_id, row.detail]
    canonical = json.dumps(content, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _at_text(at: datetime) -> str:
    aware = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return aware.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _not_null() -> None:
    # On SQLite this rebuilds the table, which drops its triggers: _create_triggers
    # puts both back.
    with op.batch_alter_table("audit_events") as batch:
        batch.alter_column("prev_hash", existing_type=sa.String(64), nullable=False)
        batch.alter_column("entry_hash", existing_type=sa.String(64), nullable=False)
        batch.alter_column("keyed", existing_type=sa.Boolean(), nullable=False)


def _drop_triggers(postgres: bool) -> None:
    # Inside the migration's transaction: on PostgreSQL the DROP locks the table, so no
    # other session ever sees it without its trigger.
    if postgres:
        op.execute("DROP TRIGGER audit_events_no_update_delete ON audit_events")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


def _create_triggers(postgres: bool) -> None:
    if postgres:
        op.execute(POSTGRES_TRIGGER)
    else:
        for statement in SQLITE_TRIGGERS.values():
            op.execute(statement)
