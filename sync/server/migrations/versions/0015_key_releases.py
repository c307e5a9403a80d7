"""A worker new to a laptop is given its store key only once approved for it.

Revision ID: 0015
Revises: 0014

`key_releases` holds, per laptop and worker, whether the server may hand that worker the
laptop's escrowed store key (server policy `approval`, the default): asked for
(`pending`), `approved` or `refused`, with when and by whom.

Workers who already hold a sync credential for a laptop have signed in on it before
(they have a key wrap there): they are approved for it here, so nobody who used a laptop
before this version has to ask.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "key_releases",
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("worker_id", sa.String(36), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.String(80), nullable=True),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_key_releases_device_id_devices")),
        sa.ForeignKeyConstraint(["worker_id"], ["workers.id"],
                                name=op.f("fk_key_releases_worker_id_workers")),
        sa.PrimaryKeyConstraint("device_id", "worker_id", name=op.f("pk_key_releases")),
    )
    # Only pairs whose laptop and worker still exist (credentials carry no foreign keys).
    op.get_bind().execute(sa.text(
        "INSERT INTO key_releases (device_id, worker_id, state, decided_at, decided_by) "
        "SELECT DISTINCT c.device_id, c.worker_id, 'approved', :now, "
        "'signed in before 0015' FROM worker_credentials c "
        "JOIN devices d ON d.id = c.device_id JOIN workers w ON w.id = c.worker_id"),
        {"now": datetime.now(UTC).replace(tzinfo=None)})  # naive UTC, as the columns keep


def downgrade() -> None:
    op.drop_table("key_releases")
