"""Pulled rows this laptop could not store, set aside instead of stopping every sync.

A row the server sent that fails this version's checks or the database's constraints
is kept here, as received, with its reason and the app version that met it; the page's
cursor moves on. A later version tries it again.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_set_aside",
        sa.Column("seq", sa.Integer, primary_key=True),  # arrival order: retried in it
        # Text: taken from the row itself, which may be malformed.
        sa.Column("table_name", sa.Text, nullable=False),
        sa.Column("row_id", sa.Text, nullable=False),
        sa.Column("person_id", sa.Text, nullable=False, index=True),
        sa.Column("row_json", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("app_version", sa.String(40), nullable=False, index=True),
        sa.Column("set_aside_at", sa.String(40), nullable=False),
    )
    # A newer revision that applies drops the older copy: found by (table, row id).
    op.create_index("ix_sync_set_aside_row", "sync_set_aside", ["table_name", "row_id"])


def downgrade() -> None:
    op.drop_table("sync_set_aside")
