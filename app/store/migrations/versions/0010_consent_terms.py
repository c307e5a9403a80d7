"""Consent says how it was given (verbal or written) and when to review it with the person.

Records made before this revision keep an empty `how` and no review date; the screen
shows them as "not recorded", and nothing about who may see the record changes.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("consents") as batch:
        batch.add_column(sa.Column("how", sa.String(10), nullable=False, server_default=""))
        batch.add_column(sa.Column("review_on", sa.String(10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("consents") as batch:
        batch.drop_column("review_on")
        batch.drop_column("how")
