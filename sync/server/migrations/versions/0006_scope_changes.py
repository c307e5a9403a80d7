"""Scope changes as a log (team moves, fetches) instead of a list of held people per device.

Revision ID: 0006
Revises: 0005

The held-people list (sync_device_people) was written on every pull for every person on
the page; it is dropped, after what it still owed each device is written to the log.
Devices look at the log entries after their `scope_seen`; for a device that has never
looked (NULL), every entry counts, which is always safe: sending a person's rows again,
or evicting someone a device does not hold, changes nothing.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_scope_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("from_team_id", sa.String(36), nullable=True),
        sa.Column("to_team_id", sa.String(36), nullable=True),
        sa.Column("device_id", sa.String(36), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index(op.f("ix_sync_scope_changes_version"), "sync_scope_changes", ["version"])
    op.create_index(op.f("ix_sync_scope_changes_person_id"), "sync_scope_changes",
                    ["person_id"])
    # What the held-people list still owed a device becomes log entries, so nothing is
    # dropped with it: people held but no longer in scope (to be evicted), and people in
    # scope but not held by a device that has pulled before (to be backfilled).
    op.execute(_HELD_BUT_GONE)
    op.execute(_IN_SCOPE_NOT_HELD)
    op.execute("UPDATE sync_counter SET value = value + 1 WHERE id = 2 "
               "AND EXISTS (SELECT 1 FROM sync_scope_changes)")
    op.drop_table("sync_device_people")
    # Every device reads those entries at its next pull (NULL counts as never looked).
    op.execute("UPDATE devices SET scope_seen = NULL")


_NEXT = "(SELECT value + 1 FROM sync_counter WHERE id = 2)"
_FETCHED = ("EXISTS (SELECT 1 FROM device_fetches f "
            "WHERE f.device_id = d.id AND f.person_id = p.id)")
_HELD_BUT_GONE = f"""
INSERT INTO sync_scope_changes (version, person_id, from_team_id, device_id, at)
SELECT DISTINCT {_NEXT}, p.id, d.team_id, NULL, CURRENT_TIMESTAMP
FROM sync_device_people h
JOIN devices d ON d.id = h.device_id
JOIN people p ON p.id = h.person_id
WHERE p.owning_team_id <> d.team_id AND NOT {_FETCHED}"""
_IN_SCOPE_NOT_HELD = f"""
INSERT INTO sync_scope_changes (version, person_id, from_team_id, device_id, at)
SELECT {_NEXT}, p.id, NULL, d.id, CURRENT_TIMESTAMP
FROM devices d
JOIN people p ON p.owning_team_id = d.team_id OR {_FETCHED}
WHERE EXISTS (SELECT 1 FROM sync_device_people h0 WHERE h0.device_id = d.id)
  AND NOT EXISTS (SELECT 1 FROM sync_device_people h
                  WHERE h.device_id = d.id AND h.person_id = p.id)"""


def downgrade() -> None:
    op.create_table(
        "sync_device_people",
        sa.Column("device_id", sa.String(36), sa.ForeignKey("devices.id"), primary_key=True),
        sa.Column("person_id", sa.String(36), primary_key=True),
    )
    op.drop_table("sync_scope_changes")
