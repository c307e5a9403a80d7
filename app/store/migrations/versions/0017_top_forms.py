"""TOP outcome forms: dated, append-only and synced.

Revision ID: 0017
Revises: 0016

Frozen like every migration: the columns are written out here.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_NOT_EVICTING = ("NOT EXISTS (SELECT 1 FROM sync_state WHERE key = 'evicting' "
                 "AND value = OLD.person_id)")


def upgrade() -> None:
    op.create_table(
        "top_forms",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("revision_id", sa.String(36), nullable=False),
        sa.Column("base_revision_id", sa.String(36)),
        sa.Column("created_hlc", sa.String(64), nullable=False),
        sa.Column("updated_hlc", sa.String(64), nullable=False, index=True),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("worker_id", sa.String(36), nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("person_id", sa.String(36), nullable=False, index=True),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("completed_on", sa.String(10), nullable=False),
        sa.Column("measures_json", sa.Text, nullable=False, server_default=sa.text("'{}'")),
        sa.Column("supersedes_id", sa.String(36)),
        sa.Column("recorded_by_name", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.String(40), nullable=False))
    op.execute("""CREATE TRIGGER top_forms_no_update BEFORE UPDATE ON top_forms
                  BEGIN SELECT RAISE(ABORT, 'top_forms are append-only'); END""")
    op.execute(f"""CREATE TRIGGER top_forms_no_delete BEFORE DELETE ON top_forms
                   WHEN {_NOT_EVICTING}
                   BEGIN SELECT RAISE(ABORT, 'top_forms are append-only'); END""")


def downgrade() -> None:
    op.drop_table("top_forms")
