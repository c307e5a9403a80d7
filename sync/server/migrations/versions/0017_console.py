"""The web console: browser sessions, TOTP secrets (sealed), recovery codes and one-time
password reset codes (both hashed).

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def _worker_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["worker_id"], ["workers.id"],
                                   name=op.f(f"fk_{table}_worker_id_workers"))


def upgrade() -> None:
    op.create_table(
        "console_sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("worker_id", sa.String(36), nullable=False),
        sa.Column("stage", sa.String(12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        _worker_fk("console_sessions"),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_console_sessions")),
    )
    op.create_index(op.f("ix_console_sessions_worker_id"), "console_sessions", ["worker_id"])
    op.create_table(
        "console_totp",
        sa.Column("worker_id", sa.String(36), nullable=False),
        sa.Column("nonce", sa.LargeBinary(12), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(64), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("last_step", sa.Integer(), nullable=True),
        _worker_fk("console_totp"),
        sa.PrimaryKeyConstraint("worker_id", name=op.f("pk_console_totp")),
    )
    op.create_table(
        "console_recovery_codes",
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("worker_id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        _worker_fk("console_recovery_codes"),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_console_recovery_codes")),
    )
    op.create_index(op.f("ix_console_recovery_codes_worker_id"), "console_recovery_codes",
                    ["worker_id"])
    op.create_table(
        "console_password_resets",
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("worker_id", sa.String(36), nullable=False),
        sa.Column("issued_by", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        _worker_fk("console_password_resets"),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_console_password_resets")),
    )
    op.create_index(op.f("ix_console_password_resets_worker_id"), "console_password_resets",
                    ["worker_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_console_password_resets_worker_id"), "console_password_resets")
    op.drop_table("console_password_resets")
    op.drop_index(op.f("ix_console_recovery_codes_worker_id"), "console_recovery_codes")
    op.drop_table("console_recovery_codes")
    op.drop_table("console_totp")
    op.drop_index(op.f("ix_console_sessions_worker_id"), "console_sessions")
    op.drop_table("console_sessions")
