"""The worker's day: appointments, their outcomes, referrals and their answers, key-work
sessions and task decisions. Every one append-only and synced.

Revision ID: 0015
Revises: 0014

Frozen like every migration: the columns are written out here, not read from the models,
so a later change to a model cannot change what this migration made.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_NOT_EVICTING = ("NOT EXISTS (SELECT 1 FROM sync_state WHERE key = 'evicting' "
                 "AND value = OLD.person_id)")


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
        sa.Column("person_id", sa.String(36), nullable=False, index=True),
    ]


def _text(name: str, length: int | None = None, *, nullable: bool = False) -> sa.Column:
    kind = sa.String(length) if length else sa.Text
    return sa.Column(name, kind, nullable=nullable,
                     server_default=None if nullable else sa.text("''"))


TABLES = {
    "appointments": [
        sa.Column("on_day", sa.String(10), nullable=False), _text("at_time", 5),
        _text("place", 200), _text("with_whom", 200), _text("what_for", 200),
        sa.Column("follows_up_id", sa.String(36)), sa.Column("supersedes_id", sa.String(36)),
        sa.Column("booked_by_name", sa.String(200), nullable=False),
        sa.Column("booked_at", sa.String(40), nullable=False)],
    "appointment_outcomes": [
        sa.Column("appointment_id", sa.String(36), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("recorded_on", sa.String(10), nullable=False), _text("reason"),
        sa.Column("supersedes_id", sa.String(36)),
        sa.Column("recorded_by_name", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.String(40), nullable=False)],
    "referrals": [
        sa.Column("service", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("sent_on", sa.String(10), nullable=False), _text("partner_contact", 200),
        sa.Column("sent_by_name", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.String(40), nullable=False)],
    "referral_updates": [
        sa.Column("referral_id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("on_day", sa.String(10), nullable=False), _text("note"),
        sa.Column("supersedes_id", sa.String(36)),
        sa.Column("recorded_by_name", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.String(40), nullable=False)],
    "keywork_sessions": [
        sa.Column("held_on", sa.String(10), nullable=False),
        sa.Column("setting", sa.String(20), nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("session_type", sa.String(20), nullable=False), _text("notes"),
        sa.Column("goals_json", sa.Text, nullable=False, server_default=sa.text("'[]'")),
        sa.Column("care_plan_version_id", sa.String(36)),
        sa.Column("supersedes_id", sa.String(36)),
        sa.Column("recorded_by_name", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.String(40), nullable=False)],
    "task_decisions": [
        sa.Column("task_key", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False), _text("reason"),
        sa.Column("decided_on", sa.String(10), nullable=False),
        sa.Column("decided_by_name", sa.String(200), nullable=False),
        sa.Column("decided_at", sa.String(40), nullable=False)],
}


def _triggers(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
           BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} WHEN {_NOT_EVICTING}
           BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END""",
    ]


def upgrade() -> None:
    for table, columns in TABLES.items():
        op.create_table(table, *_syncable(), *columns)
        for trigger in _triggers(table):
            op.execute(trigger)
    op.create_index("ix_appointments_on_day", "appointments", ["on_day"])


def downgrade() -> None:
    for table in reversed(list(TABLES)):
        op.drop_table(table)
