"""The scope counter: a pull looks for people to backfill or evict only after it moved.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("scope_seen", sa.BigInteger, nullable=True))
    # Every existing device has scope_seen NULL, so each looks once after the upgrade.
    op.execute("INSERT INTO sync_counter (id, value) VALUES (2, 0)")


def downgrade() -> None:
    op.execute("DELETE FROM sync_counter WHERE id = 2")
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("scope_seen")
