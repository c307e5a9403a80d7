"""Migration 0009: a store's existing search entries gain sound keys and dates of birth
in place (same rowids, so the person -> entry map still holds)."""

from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.store import migrate
from app.store.people_repo import PeopleRepository
from tests.store.test_people_search_index import _add_people, _fts, _mapped, engine  # noqa: F401


def test_a_store_at_0008_is_searchable_by_sound_and_date_after_the_upgrade(engine):  # noqa: F811
    assert migrate.upgrade(engine, target="0008") == "0008"
    with engine.begin() as conn:
        ids = _add_people(conn, 0, 3)
        conn.execute(text("UPDATE people SET family_name = 'QUARTERMAINE', "
                          "date_of_birth = '1985-03-14' WHERE id = :p"), {"p": ids[1]})
        conn.execute(text("INSERT INTO people_search (rowid, person_id, names, identifiers) "
                          "VALUES (:r, :p, :n, '')"),
                     [{"r": 10 + n, "p": person,
                       "n": "Zebedee QUARTERMAINE" if n == 1 else "Darren Smith"}
                      for n, person in enumerate(ids)])
        conn.execute(text("INSERT INTO people_search_entries (fts_rowid, person_id) "
                          "SELECT rowid, person_id FROM people_search"))
        before = _fts(conn)
    assert migrate.upgrade(engine) == migrate.head_revision()
    with Session(engine) as db:
        repo = PeopleRepository(db)
        assert _fts(db) == before == _mapped(db)
        assert repo.search_ids("quartermane") == [ids[1]]
        assert repo.search_ids("", born={date(1985, 3, 14)}) == [ids[1]]
        assert sorted(repo.search_ids("smyth")) == sorted([ids[0], ids[2]])
