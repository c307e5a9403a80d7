"""The full-text search index: one entry per person, removed by rowid, kept on upgrade.

people_search keeps person_id UNINDEXED, so each entry's rowid is recorded in
people_search_entries; these tests hold the two tables to each other.
"""

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Connection, Engine, MetaData, Table, insert, text, update
from sqlalchemy.orm import Session

from app.store import derived, migrate
from app.store.engine import close_engine, open_encrypted_engine
from app.store.keys import new_database_key
from app.store.models import Person as PersonRow
from app.store.people_repo import PeopleRepository


@pytest.fixture
def engine(tmp_path) -> Iterator[Engine]:
    engine = open_encrypted_engine(tmp_path / "db", new_database_key())
    yield engine
    close_engine(engine)


def _add_people(conn: Connection | Session, first: int, count: int) -> list[str]:
    """People rows as sync stores them (no index entries yet); every one a Smith."""
    rows = [{"id": f"00000000-0000-4000-8000-{n:012d}", "revision_id": f"rev-{n}",
             "created_hlc": f"{n:015d}-00000-test", "updated_hlc": f"{n:015d}-00000-test",
             "device_id": "dev-1", "worker_id": "w1", "deleted": False,
             "given_name": "Darren", "family_name": "Smith", "middle_name": "",
             "prison_number": f"A{n:04d}BC"} for n in range(first, first + count)]
    # The table as it stood before migration 0008 (its defaults fill the other columns,
    # as the ORM would): a store at an older revision has no id_salt yet.
    older = Table("people", MetaData(), *(c._copy() for c in PersonRow.__table__.columns
                                          if c.key != "id_salt"))
    conn.execute(insert(older), rows)
    return [str(row["id"]) for row in rows]


def _index_new(db: Session, first: int, count: int) -> list[str]:
    ids = _add_people(db, first, count)
    PeopleRepository(db).reindex_many(ids, new=set(ids))
    return ids


def _rename(db: Session, person_id: str, family: str) -> None:
    db.execute(update(PersonRow).where(PersonRow.id == person_id).values(family_name=family))


def _fts(db: Connection | Session) -> list[tuple[int, str]]:
    return sorted(db.execute(text("SELECT rowid, person_id FROM people_search")).tuples())


def _mapped(db: Connection | Session) -> list[tuple[int, str]]:
    return sorted(db.execute(text(
        "SELECT fts_rowid, person_id FROM people_search_entries")).tuples())


def test_reindexing_a_person_twice_leaves_one_entry_and_the_map_agrees(engine):
    migrate.upgrade(engine)
    with Session(engine) as db, db.begin():
        ids = _index_new(db, 0, 20)
        repo = PeopleRepository(db)
        _rename(db, ids[3], "Okonkwo")
        repo.reindex(person_id=ids[3])
        repo.reindex(person_id=ids[3])
        entries = _fts(db)
        assert [person for _, person in entries].count(ids[3]) == 1
        assert len(entries) == 20
        assert _mapped(db) == entries
        assert repo.search_ids("okonk") == [ids[3]]
        assert sorted(repo.search_ids("smith")) == sorted(set(ids) - {ids[3]})


def test_forgetting_a_person_removes_their_entry_and_its_mapping_only(engine):
    migrate.upgrade(engine)
    with Session(engine) as db, db.begin():
        ids = _index_new(db, 0, 10)
        derived.forget(db, ids[4])
        assert ids[4] not in {person for _, person in _fts(db)}
        assert _mapped(db) == _fts(db)
        assert len(_fts(db)) == 9
        assert sorted(PeopleRepository(db).search_ids("smith")) == sorted(set(ids) - {ids[4]})


def _vm_steps(db: Session, work: Callable[[], object]) -> int:
    """SQLite virtual-machine instructions that `work` runs: a count of work, not a clock."""
    raw = db.connection().connection.dbapi_connection
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0  # carry on

    raw.set_progress_handler(count, 1)
    try:
        work()
    finally:
        raw.set_progress_handler(None, 1)
    return steps


def _steps_to_replace_and_forget(engine: Engine, replace: str, forget: str) -> tuple[int, int]:
    with Session(engine) as db, db.begin():
        return (_vm_steps(db, lambda: PeopleRepository(db).reindex(person_id=replace)),
                _vm_steps(db, lambda: derived.forget(db, forget)))


def test_replacing_or_forgetting_one_entry_does_not_grow_with_the_index(engine):
    """Found through the map, not by scanning the FTS table (person_id is UNINDEXED).
    Each load is committed first, as a pull finds it: FTS5 writes its pending in-memory
    entries out before a delete, and that work belongs to the load, not to the delete."""
    migrate.upgrade(engine)
    with Session(engine) as db, db.begin():
        ids = _index_new(db, 0, 100)
    small = _steps_to_replace_and_forget(engine, ids[1], ids[2])
    with Session(engine) as db, db.begin():
        _index_new(db, 100, 2_000)  # twenty times as many people
    large = _steps_to_replace_and_forget(engine, ids[5], ids[6])
    # A scan visits every entry (about 20x the work here); a rowid lookup stays flat.
    assert large[0] < 2 * small[0], (small, large)
    assert large[1] < 2 * small[1], (small, large)
    with Session(engine) as db:
        assert _mapped(db) == _fts(db)


def test_a_store_at_0005_keeps_every_search_entry_through_the_upgrade(engine):
    assert migrate.upgrade(engine, target="0005") == "0005"
    with engine.begin() as conn:
        ids = _add_people(conn, 0, 30)
        # As the code before 0006 wrote them: FTS-assigned rowids, no map.
        conn.execute(text("INSERT INTO people_search (person_id, names, identifiers) "
                          "VALUES (:p, 'Darren Smith', :i)"),
                     [{"p": person, "i": f"A{n:04d}BC"} for n, person in enumerate(ids)])
        conn.execute(text("DELETE FROM people_search WHERE person_id = :p"), {"p": ids[7]})
        before = _fts(conn)  # with a gap in the rowids, as deletes leave them
    assert migrate.upgrade(engine) == migrate.head_revision()
    with Session(engine) as db, db.begin():
        repo = PeopleRepository(db)
        assert _fts(db) == before == _mapped(db)
        assert sorted(repo.search_ids("smith", limit=100)) == sorted(set(ids) - {ids[7]})
        _rename(db, ids[0], "Okonkwo")
        repo.reindex(person_id=ids[0])
        assert [person for _, person in _fts(db)].count(ids[0]) == 1
        assert len(_fts(db)) == 29
        assert _mapped(db) == _fts(db)
        assert repo.search_ids("okonk") == [ids[0]]
        assert repo.search_ids("a0003bc") == [ids[3]]
