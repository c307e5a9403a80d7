"""Search by sound and by date of birth: two more columns in the people_search index.

A worker who types "Quartermane" must find QUARTERMAINE, and one who types 14/03/1985
must find who was born that day. FTS5 cannot add a column to an existing table, so the
index is rebuilt beside the old one and renamed into place. Every entry keeps its rowid,
so people_search_entries (migration 0006) still points at the right rows.

- sounds: the Metaphone key of every name word, lower-case ("krtrmn"), written by
  app.store.people_repo at each reindex; here computed from the words already indexed.
- born: the date of birth as yyyymmdd ("19850314"), so a typed year is a prefix.

Should the Metaphone rules change later, the keys here go stale: that change must come
with a migration that rebuilds this column, as this one does.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from app.domain.phonetic import sound_keys

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_OLD_DDL = ("CREATE VIRTUAL TABLE people_search USING fts5(person_id UNINDEXED, names, "
            "identifiers, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')")
_NEW_DDL = ("CREATE VIRTUAL TABLE people_search USING fts5(person_id UNINDEXED, names, "
            "identifiers, sounds, born, tokenize = 'unicode61 remove_diacritics 2', "
            "prefix = '2 3')")


def upgrade() -> None:
    bind = op.get_bind()
    op.execute(_NEW_DDL.replace("people_search", "people_search_next", 1))
    entries = bind.execute(sa.text(
        "SELECT s.rowid, s.person_id, s.names, s.identifiers, p.date_of_birth "
        "FROM people_search AS s LEFT JOIN people AS p ON p.id = s.person_id")).all()
    rows = [{"rowid": rowid, "person_id": person_id, "names": names,
             "identifiers": identifiers, "sounds": " ".join(sound_keys(names or "")).lower(),
             "born": (born or "").replace("-", "")}
            for rowid, person_id, names, identifiers, born in entries]
    if rows:
        bind.execute(sa.text(
            "INSERT INTO people_search_next (rowid, person_id, names, identifiers, sounds, born) "
            "VALUES (:rowid, :person_id, :names, :identifiers, :sounds, :born)"), rows)
    op.execute("DROP TABLE people_search")
    op.execute("ALTER TABLE people_search_next RENAME TO people_search")


def downgrade() -> None:
    op.execute(_OLD_DDL.replace("people_search", "people_search_prev", 1))
    op.execute("INSERT INTO people_search_prev (rowid, person_id, names, identifiers) "
               "SELECT rowid, person_id, names, identifiers FROM people_search")
    op.execute("DROP TABLE people_search")
    op.execute("ALTER TABLE people_search_prev RENAME TO people_search")
