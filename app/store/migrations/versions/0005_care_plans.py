"""Care plans: versions, signatures (append-only), and the device's PDF signing key.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# The database itself refuses to rewrite a signed plan or any signature, whatever code
# (or a sync bug) tries; a draft version stays editable. The one exception is a person
# leaving this laptop's scope (moved to another team): sync marks the eviction first.
_NOT_EVICTING = ("NOT EXISTS (SELECT 1 FROM sync_state WHERE key = 'evicting' "
                 "AND value = OLD.person_id)")
TRIGGERS = [
    """CREATE TRIGGER care_plan_signed_no_update BEFORE UPDATE ON care_plan_versions
       WHEN OLD.status = 'signed'
       BEGIN SELECT RAISE(ABORT, 'a signed care plan version cannot be changed'); END""",
    f"""CREATE TRIGGER care_plan_signed_no_delete BEFORE DELETE ON care_plan_versions
       WHEN OLD.status = 'signed' AND {_NOT_EVICTING}
       BEGIN SELECT RAISE(ABORT, 'a signed care plan version cannot be deleted'); END""",
    """CREATE TRIGGER care_plan_signatures_no_update BEFORE UPDATE ON care_plan_signatures
       BEGIN SELECT RAISE(ABORT, 'care plan signatures are append-only'); END""",
    f"""CREATE TRIGGER care_plan_signatures_no_delete BEFORE DELETE ON care_plan_signatures
       WHEN {_NOT_EVICTING}
       BEGIN SELECT RAISE(ABORT, 'care plan signatures are append-only'); END""",
]


def _syncable() -> list[sa.Column]:
    return [
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("revision_id", sa.String(36), nullable=False),
        sa.Column("base_revision_id", sa.String(36)),
        sa.Column("created_hlc", sa.String(64), nullable=False),
        sa.Column("updated_hlc", sa.String(64), nullable=False, index=True),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("worker_id", sa.String(36), nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
    ]


def upgrade() -> None:
    op.create_table(
        "care_plan_versions", *_syncable(),
        # No foreign key: sync may deliver a plan before its person's row (rows arrive in
        # the order they last changed). No unique number: two laptops offline may both
        # make version 2; both are kept and shown, never one silently dropped.
        sa.Column("person_id", sa.String(36), nullable=False, index=True),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("content_json", sa.Text, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("supersedes_id", sa.String(36)),
        sa.Column("created_by_name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("signed_at", sa.String(40)),
        sa.Column("fingerprint", sa.String(64), nullable=False),
    )
    op.create_table(
        "care_plan_signatures", *_syncable(),
        sa.Column("version_id", sa.String(36), nullable=False, index=True),
        sa.Column("person_id", sa.String(36), nullable=False, index=True),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("strokes_json", sa.Text, nullable=False),
        sa.Column("aspect", sa.String(12), nullable=False),
        sa.Column("signer_name", sa.String(200), nullable=False),
        sa.Column("signed_at", sa.String(40), nullable=False),
        sa.UniqueConstraint("version_id", "role"),
    )
    op.create_table(
        "signing_credentials",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("key_der", sa.LargeBinary, nullable=False),
        sa.Column("cert_der", sa.LargeBinary),
        sa.Column("ca_der", sa.LargeBinary),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    for statement in TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    for table in ("signing_credentials", "care_plan_signatures", "care_plan_versions"):
        op.drop_table(table)
