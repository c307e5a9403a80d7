"""Each device signing certificate's serial against its device, for the revocation list.

Revision ID: 0011
Revises: 0010

Certificates issued before this revision (10-year ones) were not recorded, so they cannot
be listed as revoked. A laptop replaces such a certificate at its next sync
(app/services/signing.py renews any certificate made to last over 400 days), after which
only recorded one-year certificates are in use.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signing_certificates",
        sa.Column("serial", sa.String(40), nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("not_after", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("serial", name=op.f("pk_signing_certificates")),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_signing_certificates_device_id_devices")),
    )
    op.create_index(op.f("ix_signing_certificates_device_id"), "signing_certificates",
                    ["device_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_signing_certificates_device_id"), table_name="signing_certificates")
    op.drop_table("signing_certificates")
