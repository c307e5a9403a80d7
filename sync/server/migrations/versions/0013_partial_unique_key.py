"""The unique-key index keeps only the rows that have a key.

Revision ID: 0013
Revises: 0012

Most rows have no unique key (a person, an alias, a contact, a history entry: only an
answer, a confirmation and a signature have one), yet every insert and every update that
moved a row to a new seq wrote an entry for its NULL key into this index. A partial
index (WHERE unique_key IS NOT NULL) refuses exactly what the full one refused, since
NULLs never clashed in it (two NULLs are distinct in a unique index, on both
databases), and a row without a key no longer touches it. The push's read of who holds
a key says `unique_key IS NOT NULL` too, so that it can use it.

Built under the old index's name in one transaction: no moment without the backstop.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

NAME = "uq_sync_rows_table_name_unique_key"
HAS_KEY = "unique_key IS NOT NULL"


def upgrade() -> None:
    op.drop_index(NAME, "sync_rows")
    op.create_index(NAME, "sync_rows", ["table_name", "unique_key"], unique=True,
                    postgresql_where=sa.text(HAS_KEY), sqlite_where=sa.text(HAS_KEY))


def downgrade() -> None:
    op.drop_index(NAME, "sync_rows")
    op.create_index(NAME, "sync_rows", ["table_name", "unique_key"], unique=True)
