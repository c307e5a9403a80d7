"""Leaner writes on the push path: no foreign-key checks on who-did-it columns, and one
index on the feed's seq instead of two.

Revision ID: 0007
Revises: 0006

A foreign-key check is a query per inserted row, and it
locks the row it checks: a push of 500 new people paid 1,500 of them (the person's team,
the device that created it, the device of each ledger entry), and concurrent pushes
from one team's laptops all queued to share-lock that team's one row. The values always
come from the authenticated device's own row, and devices and teams are never deleted
(a revoked laptop keeps its row), so the checks could never fail; the one other writer
of a person's team, `registry.move_person`, checks the team exists itself.

sync_rows.seq had a unique constraint and a plain index on the same column.
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_sync_rows_seq", table_name="sync_rows")
    with op.batch_alter_table("people") as batch:
        batch.drop_constraint("fk_people_created_by_device_id_devices", type_="foreignkey")
        batch.drop_constraint("fk_people_owning_team_id_teams", type_="foreignkey")
    with op.batch_alter_table("sync_changes") as batch:
        batch.drop_constraint("fk_sync_changes_device_id_devices", type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("sync_changes") as batch:
        batch.create_foreign_key("fk_sync_changes_device_id_devices", "devices",
                                 ["device_id"], ["id"])
    with op.batch_alter_table("people") as batch:
        batch.create_foreign_key("fk_people_owning_team_id_teams", "teams",
                                 ["owning_team_id"], ["id"])
        batch.create_foreign_key("fk_people_created_by_device_id_devices", "devices",
                                 ["created_by_device_id"], ["id"])
    op.create_index("ix_sync_rows_seq", "sync_rows", ["seq"])
