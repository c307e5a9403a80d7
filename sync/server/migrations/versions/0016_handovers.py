"""Handovers between teams: the registry's record of a person handed over on purpose.

Revision ID: 0016
Revises: 0015

One row per handover: who asked, from which team to which, why, the note (sealed under
the registry's key), the day it must be accepted by (two working days, computed by the
server), and who accepted it and when. While a handover is open the sending team keeps
read access to the person, so every pull's scope asks for a team's open handovers: a
partial index serves that, and a partial unique index keeps one open handover a person.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

OPEN = "accepted_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "handovers",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("from_team_id", sa.String(36), nullable=False),
        sa.Column("to_team_id", sa.String(36), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("note_sealed", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=False),
        sa.Column("requested_by_worker_id", sa.String(36), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("accept_by", sa.Date(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("accepted_by", sa.String(200), nullable=True),
        sa.Column("accepted_by_worker_id", sa.String(36), nullable=True),
        sa.Column("overdue_flagged_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"],
                                name=op.f("fk_handovers_person_id_people")),
        sa.ForeignKeyConstraint(["from_team_id"], ["teams.id"],
                                name=op.f("fk_handovers_from_team_id_teams")),
        sa.ForeignKeyConstraint(["to_team_id"], ["teams.id"],
                                name=op.f("fk_handovers_to_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handovers")),
    )
    op.create_index(op.f("ix_handovers_person_id"), "handovers", ["person_id"])
    op.create_index("uq_handovers_open_person", "handovers", ["person_id"], unique=True,
                    postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))
    op.create_index("ix_handovers_open_from_team", "handovers", ["from_team_id"],
                    postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))


def downgrade() -> None:
    op.drop_index("ix_handovers_open_from_team", "handovers")
    op.drop_index("uq_handovers_open_person", "handovers")
    op.drop_index(op.f("ix_handovers_person_id"), "handovers")
    op.drop_table("handovers")
