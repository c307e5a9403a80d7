"""The journey: dated, append-only events in custody, court, prison and the community.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# As for care plan signatures: the database itself refuses to rewrite an event, whatever
# code tries; the one exception is a person leaving this laptop's scope (sync marks the
# eviction first).
_NOT_EVICTING = ("NOT EXISTS (SELECT 1 FROM sync_state WHERE key = 'evicting' "
                 "AND value = OLD.person_id)")
TRIGGERS = [
    """CREATE TRIGGER journey_events_no_update BEFORE UPDATE ON journey_events
       BEGIN SELECT RAISE(ABORT, 'journey events are append-only'); END""",
    f"""CREATE TRIGGER journey_events_no_delete BEFORE DELETE ON journey_events
       WHEN {_NOT_EVICTING}
       BEGIN SELECT RAISE(ABORT, 'journey events are append-only'); END""",
]


def upgrade() -> None:
    op.create_table(
        "journey_events",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("revision_id", sa.String(36), nullable=False),
        sa.Column("base_revision_id", sa.String(36)),
        sa.Column("created_hlc", sa.String(64), nullable=False),
        sa.Column("updated_hlc", sa.String(64), nullable=False, index=True),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("worker_id", sa.String(36), nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
        # No foreign key: sync may deliver an event before its person's row.
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("occurred_on", sa.String(10), nullable=False),
        sa.Column("place", sa.String(500), nullable=False, server_default=""),
        sa.Column("details_json", sa.Text, nullable=False, server_default="{}"),
        sa.Column("supersedes_id", sa.String(36)),
        sa.Column("recorded_by_name", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_journey_events_person_day", "journey_events",
                    ["person_id", "occurred_on"])
    for trigger in TRIGGERS:
        op.execute(trigger)


def downgrade() -> None:
    op.drop_table("journey_events")
