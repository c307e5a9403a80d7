"""Scope changes as a log (team moves, fetches) instead of a list of held people per device.

Revision ID: 0006
Revises: 0005

The held-people list (sync_device_people) was written on every pull for every person on
the page; it is dropped. Devices look at the log entries after their `scope_seen`; for a
device that has never looked (NULL), every entry counts, which is always safe: sending a
person's rows again, or evicting someone a device does not hold, changes nothing.
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
    op.drop_table("sync_device_people")
    # Devices that looked under the old scheme look once more under the new one.
    op.execute("UPDATE devices SET scope_seen = NULL")


def downgrade() -> None:
    op.create_table(
        "sync_device_people",
        sa.Column("device_id", sa.String(36), sa.ForeignKey("devices.id"), primary_key=True),
        sa.Column("person_id", sa.String(36), primary_key=True),
    )
    op.drop_table("sync_scope_changes")
