"""Each laptop's app version, as it last reported it: IT sees which laptops still run an
old version before an upgrade that needs them all.

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("app_version", sa.String(40)))


def downgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("app_version")
