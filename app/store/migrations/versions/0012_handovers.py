"""Handovers between teams, as the server keeps them and as this laptop asked for them.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handovers",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(36), nullable=False, index=True),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("from_team_id", sa.String(36), nullable=False),
        sa.Column("from_team_name", sa.String(200), nullable=False),
        sa.Column("to_team_id", sa.String(36), nullable=False),
        sa.Column("to_team_name", sa.String(200), nullable=False),
        sa.Column("reason", sa.String(12), nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("requested_by", sa.String(200), nullable=False),
        sa.Column("opened_at", sa.String(40), nullable=False),
        sa.Column("accept_by", sa.String(10), nullable=False),
        sa.Column("accepted_at", sa.String(40)),
        sa.Column("accepted_by", sa.String(200)),
    )


def downgrade() -> None:
    op.drop_table("handovers")
