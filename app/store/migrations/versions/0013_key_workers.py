"""Key workers: each person's allocations, append-only and synced.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_NOT_EVICTING = ("NOT EXISTS (SELECT 1 FROM sync_state WHERE key = 'evicting' "
                 "AND value = OLD.person_id)")
TRIGGERS = [
    """CREATE TRIGGER key_worker_allocations_no_update BEFORE UPDATE
       ON key_worker_allocations
       BEGIN SELECT RAISE(ABORT, 'allocations are append-only'); END""",
    f"""CREATE TRIGGER key_worker_allocations_no_delete BEFORE DELETE
       ON key_worker_allocations WHEN {_NOT_EVICTING}
       BEGIN SELECT RAISE(ABORT, 'allocations are append-only'); END""",
]


def upgrade() -> None:
    op.create_table(
        "key_worker_allocations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("revision_id", sa.String(36), nullable=False),
        sa.Column("base_revision_id", sa.String(36)),
        sa.Column("created_hlc", sa.String(64), nullable=False),
        sa.Column("updated_hlc", sa.String(64), nullable=False, index=True),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("worker_id", sa.String(36), nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("person_id", sa.String(36), nullable=False, index=True),
        sa.Column("key_worker_id", sa.String(36), nullable=False),
        sa.Column("key_worker_name", sa.String(200), nullable=False),
        sa.Column("allocated_by_name", sa.String(200), nullable=False),
        sa.Column("allocated_at", sa.String(40), nullable=False),
    )
    for trigger in TRIGGERS:
        op.execute(trigger)


def downgrade() -> None:
    op.drop_table("key_worker_allocations")
