"""Find a person's full-text search entry without scanning the whole FTS table.

people_search keeps person_id UNINDEXED, so removing one person's entry scanned every
entry. people_search_entries maps person -> FTS rowid; the code now removes by rowid.
The FTS table itself is untouched, so search results stay exactly as they were.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "people_search_entries",
        # The FTS rowid itself, as this table's rowid: one B-tree, no extra index for it.
        sa.Column("fts_rowid", sa.Integer, primary_key=True, autoincrement=False),
        # Not unique: a store that somehow holds two entries for one person keeps and
        # maps both (the next reindex of that person removes both), rather than failing
        # the upgrade on unlock.
        sa.Column("person_id", sa.String(36), nullable=False, index=True),
    )
    # Every existing entry is mapped in place: nothing is rewritten, nothing dropped.
    op.execute("INSERT INTO people_search_entries (fts_rowid, person_id) "
               "SELECT rowid, person_id FROM people_search")


def downgrade() -> None:
    op.drop_table("people_search_entries")
