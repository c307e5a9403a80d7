"""Who wrote a pushed change is decided by the server: per-worker sync credentials, and
the ledger says whose change each was.

Revision ID: 0010
Revises: 0009

A device token says which laptop is calling, not who typed. Each worker signed in on a
laptop now holds a credential of their own for that laptop (only its hash is kept here);
a push carries the credentials of the workers whose changes it holds, and a change whose
worker has none that is good (unknown, revoked, or the worker disabled) is refused.

The ledger (sync_changes) gains the worker, person, table and row of each change it
received: with sync_revisions, every write to a person's record can be traced to a
worker, a laptop and a time. Changes received before this revision keep NULLs there.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "worker_credentials",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("worker_id", sa.String(36), nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_worker_credentials")),
    )
    op.create_index("ix_worker_credentials_device_worker", "worker_credentials",
                    ["device_id", "worker_id"])
    with op.batch_alter_table("sync_changes") as batch:
        for name in ("worker_id", "person_id", "row_id"):
            batch.add_column(sa.Column(name, sa.String(36), nullable=True))
        batch.add_column(sa.Column("table_name", sa.String(60), nullable=True))
    op.create_index("ix_sync_changes_person_id", "sync_changes", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_sync_changes_person_id", "sync_changes")
    with op.batch_alter_table("sync_changes") as batch:
        for name in ("worker_id", "person_id", "row_id", "table_name"):
            batch.drop_column(name)
    op.drop_index("ix_worker_credentials_device_worker", "worker_credentials")
    op.drop_table("worker_credentials")
