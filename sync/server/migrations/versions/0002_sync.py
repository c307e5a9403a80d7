"""Sync: current rows, revisions, the idempotency ledger, the feed counter, holdings.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_counter",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    op.execute("INSERT INTO sync_counter (id, value) VALUES (1, 0)")
    op.create_table(
        "sync_rows",
        sa.Column("table_name", sa.String(60), primary_key=True),
        sa.Column("row_id", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False, unique=True),
        sa.Column("revision_id", sa.String(36), nullable=False),
        sa.Column("hlc", sa.String(80), nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("worker_id", sa.String(36), nullable=False),
        sa.Column("append_only", sa.Boolean, nullable=False),
        sa.Column("fields_json", sa.Text, nullable=False),
    )
    op.create_index("ix_sync_rows_seq", "sync_rows", ["seq"])
    op.create_index("ix_sync_rows_person_seq", "sync_rows", ["person_id", "seq"])
    op.create_table(
        "sync_revisions",
        sa.Column("table_name", sa.String(60), primary_key=True),
        sa.Column("row_id", sa.String(36), primary_key=True),
        sa.Column("revision_id", sa.String(36), primary_key=True),
        sa.Column("fields_json", sa.Text, nullable=False),
    )
    op.create_table(
        "sync_changes",
        sa.Column("change_id", sa.String(36), primary_key=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("device_id", sa.String(36), sa.ForeignKey("devices.id"), nullable=False),
        sa.Column("result_json", sa.Text, nullable=False),
        sa.Column("received_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "sync_device_people",
        sa.Column("device_id", sa.String(36), sa.ForeignKey("devices.id"), primary_key=True),
        sa.Column("person_id", sa.String(36), primary_key=True),
    )
