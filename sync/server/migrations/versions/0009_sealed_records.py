"""Sealed records: per-team data keys; room for hashed lookup values and sealed copies.

Revision ID: 0009
Revises: 0008

Migrations run without the master key, so this only makes room: `team_keys`, and wider
people.linkage_key / person_identifiers.value for keyed hashes ("h1:" + 64 hex) beside
their sealed copies. The rows written before it stay as they were (record text as JSON,
keys and identifiers as typed); every reader takes them as they are, and
`sync.server.services.seal_existing.seal_existing(session)`, run with the master key at
server start, seals and hashes them.

Downgrade drops the keys table and the sealed copies: only safe before anything was
sealed (after, the record text would be unreadable with the keys gone).
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_keys",
        sa.Column("id", sa.String(16), nullable=False),
        sa.Column("team_id", sa.String(36), nullable=False),
        sa.Column("nonce", sa.LargeBinary, nullable=False),
        sa.Column("wrapped", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_keys")),
        sa.UniqueConstraint("team_id", name=op.f("uq_team_keys_team_id")),
    )
    with op.batch_alter_table("people") as batch:
        batch.alter_column("linkage_key", type_=sa.String(80), existing_type=sa.String(20),
                           existing_nullable=False)
        batch.add_column(sa.Column("linkage_sealed", sa.Text(), nullable=True))
    with op.batch_alter_table("person_identifiers") as batch:
        batch.alter_column("value", type_=sa.String(80), existing_type=sa.String(40),
                           existing_nullable=False)
        batch.add_column(sa.Column("value_sealed", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person_identifiers") as batch:
        batch.drop_column("value_sealed")
        batch.alter_column("value", type_=sa.String(40), existing_type=sa.String(80),
                           existing_nullable=False)
    with op.batch_alter_table("people") as batch:
        batch.drop_column("linkage_sealed")
        batch.alter_column("linkage_key", type_=sa.String(20), existing_type=sa.String(80),
                           existing_nullable=False)
    op.drop_table("team_keys")
