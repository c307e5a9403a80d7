"""The task list's index in the caseload digest: what can still make a task, and the
first days a task shows and is overdue.

Tasks are computed, never stored; a worker's list over 100,000 people cannot run the rules
for everyone, so each digest keeps the inputs that can still make a task (a few hundred
bytes) and two dates the list selects on. `tasks_json` NULL means not built yet: every
existing person, and anyone written to since (the flush hook clears it); the list builds
those before it reads.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

GONE = "deleted = 1 OR merged_into IS NOT NULL"  # people no list shows
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person_digest") as batch:
        batch.add_column(sa.Column("tasks_json", sa.Text))
        batch.add_column(sa.Column("tasks_shows_on", sa.String(10)))
        batch.add_column(sa.Column("tasks_overdue_on", sa.String(10)))
    op.create_index("ix_person_digest_worker_tasks", "person_digest",
                    ["key_worker_id", "tasks_shows_on"])
    op.create_index("ix_person_digest_tasks", "person_digest", ["tasks_shows_on"])
    op.create_index("ix_person_digest_tasks_overdue", "person_digest", ["tasks_overdue_on"])
    op.create_index("ix_person_digest_tasks_unbuilt", "person_digest", ["person_id"],
                    sqlite_where=sa.text("tasks_json IS NULL"))
    # The lead's desk counts each key worker's people and those with something overdue
    # from the index alone, then takes away the few people merged or deleted.
    op.create_index("ix_person_digest_worker_overdue", "person_digest",
                    ["key_worker_id", "tasks_overdue_on"])
    op.create_index("ix_people_gone", "people", ["id"], sqlite_where=sa.text(GONE))


def downgrade() -> None:
    op.drop_index("ix_people_gone", "people")
    for name in ("ix_person_digest_worker_overdue", "ix_person_digest_tasks_unbuilt",
                 "ix_person_digest_tasks_overdue",
                 "ix_person_digest_tasks",
                 "ix_person_digest_worker_tasks"):
        op.drop_index(name, "person_digest")
    with op.batch_alter_table("person_digest") as batch:
        for column in ("tasks_overdue_on", "tasks_shows_on", "tasks_json"):
            batch.drop_column(column)
