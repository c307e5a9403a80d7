"""Sync bookkeeping: the outbox (written with every local edit), sync state, conflicts.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_outbox",
        sa.Column("seq", sa.Integer, primary_key=True),  # push order = edit order
        sa.Column("change_id", sa.String(36), nullable=False, unique=True),
        sa.Column("table_name", sa.String(60), nullable=False),
        sa.Column("row_id", sa.String(36), nullable=False, index=True),
        sa.Column("revision_id", sa.String(36), nullable=False),
        sa.Column("base_revision_id", sa.String(36)),
        sa.Column("hlc", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("changed_fields", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("state", sa.String(12), nullable=False, server_default="pending"),
        sa.Column("error", sa.Text),
    )
    op.create_table(
        "sync_state",
        sa.Column("key", sa.String(60), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    # Field history stays append-only, except when a person leaves this laptop's scope
    # (moved to another team): the eviction marks the person first, and only then may
    # their history go.
    op.execute("DROP TRIGGER assessment_history_no_delete")
    op.execute("CREATE TRIGGER assessment_history_no_delete BEFORE DELETE ON assessment_history "
               "WHEN NOT EXISTS (SELECT 1 FROM sync_state WHERE key = 'evicting' "
               "AND value = OLD.person_id) "
               "BEGIN SELECT RAISE(ABORT, 'field history is append-only'); END")
    op.create_table(
        "sync_conflicts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("table_name", sa.String(60), nullable=False),
        sa.Column("row_id", sa.String(36), nullable=False, index=True),
        sa.Column("person_id", sa.String(36), nullable=False, index=True),
        sa.Column("revision_id", sa.String(36), nullable=False),
        sa.Column("field", sa.String(60), nullable=False),
        sa.Column("kept_value", sa.Text, nullable=False),
        sa.Column("other_value", sa.Text, nullable=False),
        sa.Column("other_worker", sa.String(200), nullable=False),
        sa.Column("other_device", sa.String(36), nullable=False),
        sa.Column("other_hlc", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("resolved_at", sa.String(40)),
        sa.Column("resolved_by", sa.String(200)),
    )
