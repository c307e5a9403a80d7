"""One row per unique key: a person's answer to one question, their confirmation of one
section, one signature of each role on a plan version.

Revision ID: 0012
Revises: 0011

Laptops keep these unique; a second row for the same key (pushed by a laptop that made
it under another row id) could never be stored on any laptop of the team. The push now
refuses it; this index is the backstop under concurrent pushes. `unique_key` is a
SHA-256 of the table's unique fields with the person (sync_checks.unique_key), so it
says nothing of the record.

Rows already held get their key here, the first row of each key by seq; a later row
that shares its key keeps NULL (laptops set such a row aside; it can only have come
from before this check). Rows already sealed (migration 0009 cannot have sealed any
before this revision in a normal upgrade, which runs both at once) keep NULL too.
"""

import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# As sync.protocol.tables.TABLES says (copied: a migration never changes with the code).
_UNIQUE = {"assessment_values": ("person_id", "section", "field"),
           "section_confirmations": ("person_id", "section"),
           "care_plan_signatures": ("person_id", "version_id", "role")}


def key_of(table: str, fields: dict) -> str:
    values = [table, *(fields.get(name) for name in _UNIQUE[table])]
    return hashlib.sha256(json.dumps(values, separators=(",", ":")).encode()).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table("sync_rows") as batch:
        batch.add_column(sa.Column("unique_key", sa.String(64), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT table_name, row_id, fields_json FROM sync_rows WHERE table_name IN "
        "('assessment_values', 'section_confirmations', 'care_plan_signatures') "
        "ORDER BY seq"))
    taken: set[tuple[str, str]] = set()
    keys = []
    for table, row_id, stored in rows:
        if not stored.startswith("{"):
            continue
        key = key_of(table, json.loads(stored))
        if (table, key) not in taken:
            taken.add((table, key))
            keys.append({"t": table, "r": row_id, "k": key})
    if keys:
        conn.execute(sa.text("UPDATE sync_rows SET unique_key = :k "
                             "WHERE table_name = :t AND row_id = :r"), keys)
    op.create_index("uq_sync_rows_table_name_unique_key", "sync_rows",
                    ["table_name", "unique_key"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_sync_rows_table_name_unique_key", "sync_rows")
    with op.batch_alter_table("sync_rows") as batch:
        batch.drop_column("unique_key")
