"""A random salt per person, from which the ids of their answers are made.

Answer and confirmation rows get the same id on every laptop for the same person and
question (two workers answering one question offline edit one row, which sync merges).
Made from the person id alone, those ids could be worked out by anyone who looked the
person up, and another team could take an unanswered question's id first (the server
binds a row to the person it was created for, so the owning team's answer would then be
refused for good). The salt travels only to devices that hold the person.

People made before this revision keep an empty salt and the ids they had.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("id_salt", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("id_salt")
