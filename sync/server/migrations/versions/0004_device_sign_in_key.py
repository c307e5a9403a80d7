"""A device's sign-in key: lets a worker new to an enrolled laptop sign in there.

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
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("sign_in_key_hash", sa.String(64), nullable=True))
        batch.create_unique_constraint(op.f("uq_devices_sign_in_key_hash"), ["sign_in_key_hash"])


def downgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.drop_constraint(op.f("uq_devices_sign_in_key_hash"), type_="unique")
        batch.drop_column("sign_in_key_hash")
