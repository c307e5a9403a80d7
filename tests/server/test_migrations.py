"""Server migrations on both backends: what an upgrade keeps, and that the upgraded
schema is the one the models describe."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from sync.server import db as server_db
from sync.server.models import AuditEvent, Base
from sync.server.services import audit
from tests.conftest import temporary_postgres_database
from tests.server.conftest import MASTER_KEY


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"
    else:
        with temporary_postgres_database(request.getfixturevalue("postgres_admin_url"),
                                         "insideout_mig") as pg_url:
            yield pg_url


def _upgrade(engine: sa.Engine, target: str) -> None:
    server_db.migrate(engine, target)


def test_held_people_become_log_entries_before_the_list_is_dropped(url):
    engine = server_db.make_engine(url)
    _upgrade(engine, "0005")
    ids = {name: str(uuid.uuid4()) for name in
           ("north", "south", "laptop", "fresh", "moved_away", "moved_in", "stayed")}
    with engine.begin() as conn:
        for team in ("north", "south"):
            conn.execute(sa.text("INSERT INTO teams (id, name, agency, created_at) "
                                 "VALUES (:i, :n, 'police', CURRENT_TIMESTAMP)"),
                         {"i": ids[team], "n": team})
        for device in ("laptop", "fresh"):  # "fresh" has never pulled
            conn.execute(sa.text(
                "INSERT INTO devices (id, team_id, name, token_hash, enrolled_at) "
                "VALUES (:i, :t, :i, :i, CURRENT_TIMESTAMP)"),
                {"i": ids[device], "t": ids["north"]})
        for person, team in (("moved_away", "south"), ("moved_in", "north"),
                             ("stayed", "north")):
            conn.execute(sa.text(
                "INSERT INTO people (id, owning_team_id, linkage_key, created_at) "
                "VALUES (:i, :t, 'AB01011990M', CURRENT_TIMESTAMP)"),
                {"i": ids[person], "t": ids[team]})
        for person in ("moved_away", "stayed"):  # what the laptop was sent before
            conn.execute(sa.text("INSERT INTO sync_device_people (device_id, person_id) "
                                 "VALUES (:d, :p)"), {"d": ids["laptop"], "p": ids[person]})
    _upgrade(engine, "head")
    with engine.connect() as conn:
        entries = {(r.person_id, r.from_team_id, r.device_id) for r in conn.execute(sa.text(
            "SELECT person_id, from_team_id, device_id FROM sync_scope_changes"))}
        counter = conn.execute(sa.text("SELECT value FROM sync_counter WHERE id = 2")).scalar()
        versions = set(conn.execute(sa.text("SELECT version FROM sync_scope_changes")).scalars())
        held_table = sa.inspect(conn).has_table("sync_device_people")
    engine.dispose()
    assert entries == {(ids["moved_away"], ids["north"], None),  # to be evicted
                       (ids["moved_in"], None, ids["laptop"])}  # to be backfilled
    assert versions == {counter} and counter >= 1  # above every device's scope_seen
    assert not held_table


def _downgrade(engine: sa.Engine, target: str) -> None:
    server_db.downgrade(engine, target)


def _foreign_keys(conn: sa.Connection, table: str) -> set[str]:
    return {fk["referred_table"] + "." + fk["constrained_columns"][0]
            for fk in sa.inspect(conn).get_foreign_keys(table)}


def test_the_lean_push_migration_keeps_every_row_and_drops_only_the_checks(url):
    """0007 drops three per-row foreign-key checks and a duplicate index; the rows stay,
    and it downgrades cleanly."""
    engine = server_db.make_engine(url)
    _upgrade(engine, "0006")
    team, device, person = (str(uuid.uuid4()) for _ in range(3))
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO teams (id, name, agency, created_at) "
                             "VALUES (:t, 'north', 'police', CURRENT_TIMESTAMP)"), {"t": team})
        conn.execute(sa.text("INSERT INTO devices (id, team_id, name, token_hash, enrolled_at) "
                             "VALUES (:d, :t, 'laptop', :d, CURRENT_TIMESTAMP)"),
                     {"d": device, "t": team})
        conn.execute(sa.text("INSERT INTO people (id, owning_team_id, linkage_key, created_at,"
                             " created_by_device_id) VALUES (:p, :t, 'AB01011990M', "
                             "CURRENT_TIMESTAMP, :d)"), {"p": person, "t": team, "d": device})
        conn.execute(sa.text("INSERT INTO sync_changes (change_id, content_hash, device_id, "
                             "result_json, received_at) VALUES (:p, 'h', :d, '{}', "
                             "CURRENT_TIMESTAMP)"), {"p": person, "d": device})
        # Rows pointing at the person: on SQLite the table is rebuilt under them.
        conn.execute(sa.text("INSERT INTO person_identifiers (person_id, kind, value) "
                             "VALUES (:p, 'pnc', '2001/0000001Q')"), {"p": person})
        conn.execute(sa.text("INSERT INTO consents (person_id, agency, granted, recorded_at)"
                             " VALUES (:p, 'prison', true, CURRENT_TIMESTAMP)"), {"p": person})
    _upgrade(engine, "head")
    with engine.connect() as conn:
        assert _foreign_keys(conn, "people") == set()
        assert _foreign_keys(conn, "sync_changes") == set()
        assert "ix_sync_rows_seq" not in {i["name"] for i in
                                          sa.inspect(conn).get_indexes("sync_rows")}
        assert conn.execute(sa.text("SELECT created_by_device_id FROM people")).all() == [
            (device,)]
        assert conn.execute(sa.text("SELECT device_id FROM sync_changes")).all() == [(device,)]
        assert conn.execute(sa.text("SELECT count(*) FROM person_identifiers")).scalar() == 1
        assert conn.execute(sa.text("SELECT count(*) FROM consents")).scalar() == 1
    _downgrade(engine, "0006")
    with engine.connect() as conn:
        assert _foreign_keys(conn, "people") == {"teams.owning_team_id",
                                                 "devices.created_by_device_id"}
        assert _foreign_keys(conn, "sync_changes") == {"devices.device_id"}
        assert conn.execute(sa.text("SELECT count(*) FROM people")).scalar() == 1
        assert conn.execute(sa.text("SELECT count(*) FROM consents")).scalar() == 1
    with engine.connect() as conn:  # foreign keys are back on for the pool's connections
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_the_migrated_schema_is_the_one_the_models_describe(url):
    """A model changed without a migration (or the reverse) shows up here, not in
    production: alembic compares the upgraded database with the models."""
    engine = server_db.make_engine(url)
    _upgrade(engine, "head")
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert differences == []


OLDER_EVENTS = [  # (at, action, detail): as 0001 to 0007 wrote them, one with microseconds
    ("2024-03-01 09:15:00", "team.created", '{"name": "Custody North"}'),
    ("2024-03-01 09:16:30.250001", "worker.created", '{"role": "team_lead"}'),
    ("2024-03-02 17:00:00", "device.revoked", '{"reason": "stolen"}'),
]
DROP_AUDIT_TRIGGERS = {
    "sqlite": ["DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_events_no_delete"],
    "postgresql": ["DROP TRIGGER audit_events_no_update_delete ON audit_events"],
}


def _older_events(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        for at, action, detail in OLDER_EVENTS:
            conn.execute(sa.text(
                "INSERT INTO audit_events (at, action, actor, worker_id, detail) "
                "VALUES (:at, :action, 'cli:it', :worker, :detail)"),
                {"at": datetime.fromisoformat(at), "action": action, "detail": detail,
                 "worker": str(uuid.uuid4())})


def _refused(engine: sa.Engine, statement: str) -> bool:
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(statement))
    except sa.exc.DBAPIError:
        return True
    return False


def test_the_audit_chain_migration_links_older_events_and_the_first_keyed_one_seals_them(url):
    """0008 has no master key: it links the events already there with plain SHA-256
    (keyed false). They verify; the first keyed event covers their head, so rewriting
    them, links and all (no key needed), is caught there. The triggers are back."""
    engine = server_db.make_engine(url)
    _upgrade(engine, "0007")
    _older_events(engine)
    _upgrade(engine, "head")
    sessions = server_db.session_factory(engine, master_key=MASTER_KEY)
    migrated = audit.verify_chain(sessions)
    assert (migrated.ok, migrated.events, migrated.unkeyed) == (True, 3, 3), migrated.problem
    assert _refused(engine, "UPDATE audit_events SET detail = '{}'")
    assert _refused(engine, "DELETE FROM audit_events")
    with sessions.begin() as session:
        seal = audit.seal_unkeyed_events(session, actor="test")
        assert audit.seal_unkeyed_events(session, actor="test") is None  # once only
    assert seal is not None and seal.prev_hash == migrated.head_hash
    sealed = audit.verify_chain(sessions)
    assert (sealed.ok, sealed.events, sealed.unkeyed) == (True, 4, 3)
    with engine.begin() as conn:  # rewrite the second event and re-link the unkeyed part
        for statement in DROP_AUDIT_TRIGGERS[conn.dialect.name]:
            conn.exec_driver_sql(statement)
        rows = conn.execute(sa.select(AuditEvent.__table__).where(~AuditEvent.keyed)
                            .order_by(AuditEvent.id)).all()
        prev = rows[0].entry_hash
        for row in rows[1:]:
            content = [*audit.content_of(row)[:-1], '{"role": "worker"}']
            prev_entry = audit.unkeyed_hash(prev, content)
            conn.execute(sa.update(AuditEvent).where(AuditEvent.id == row.id).values(
                detail=content[-1], prev_hash=prev, entry_hash=prev_entry))
            prev = prev_entry
    rewritten = audit.verify_chain(sessions)
    engine.dispose()
    assert (rewritten.broken_at, rewritten.events) == (seal.id, 3)


def test_the_audit_chain_migration_on_an_empty_log_and_back(url):
    engine = server_db.make_engine(url)
    _upgrade(engine, "0008")
    assert audit.verify_chain(server_db.session_factory(engine, master_key=MASTER_KEY)) == \
        audit.ChainReport(events=0, unkeyed=0, head_id=None, head_hash=audit.GENESIS)
    _downgrade(engine, "0007")
    with engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("audit_events")}
    _older_events(engine)
    refused = _refused(engine, "DELETE FROM audit_events"), _refused(
        engine, "UPDATE audit_events SET detail = '{}'")
    engine.dispose()
    assert "entry_hash" not in columns and "prev_hash" not in columns
    assert refused == (True, True)  # the downgrade put the triggers back too


def test_the_unique_rows_migration_keys_the_first_of_each_and_the_push_agrees(url):
    """0012 gives each answer its key; a duplicate made before the push refused them
    keeps none (laptops set it aside), so the unique index can be built."""
    from sync.server.services import sync_checks

    engine = server_db.make_engine(url)
    _upgrade(engine, "0011")
    person = str(uuid.uuid4())
    fields = {"person_id": person, "section": "substance", "field": "main",
              "value_json": '"Alcohol"', "created_hlc": "x"}
    rows = [str(uuid.uuid4()) for _ in range(2)]
    with engine.begin() as conn:
        for seq, row_id in enumerate(rows, start=1):
            conn.execute(sa.text(
                "INSERT INTO sync_rows (table_name, row_id, person_id, seq, revision_id, hlc, "
                "device_id, worker_id, append_only, fields_json) VALUES ('assessment_values', "
                ":r, :p, :s, :r, 'h', 'd', 'w', false, :f)"),
                {"r": row_id, "p": person, "s": seq, "f": json.dumps(fields)})
    _upgrade(engine, "head")
    with engine.connect() as conn:
        keys = dict(conn.execute(sa.text("SELECT row_id, unique_key FROM sync_rows")).all())
    expected = sync_checks.unique_key({"table": "assessment_values", "fields": fields})
    assert keys == {rows[0]: expected, rows[1]: None}
    engine.dispose()


def _unique_key_index(conn: sa.Connection) -> str:
    """The index's definition as the database holds it."""
    if conn.dialect.name == "postgresql":
        return conn.execute(sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = "
                                    "'uq_sync_rows_table_name_unique_key'")).scalar_one()
    return conn.execute(sa.text("SELECT sql FROM sqlite_master WHERE name = "
                                "'uq_sync_rows_table_name_unique_key'")).scalar_one()


def _row(conn: sa.Connection, seq: int, key: str | None) -> None:
    conn.execute(sa.text(
        "INSERT INTO sync_rows (table_name, row_id, person_id, seq, revision_id, hlc, "
        "device_id, worker_id, append_only, fields_json, unique_key) VALUES "
        "('assessment_values', :r, 'p', :s, 'v', 'h', 'd', 'w', false, '{}', :k)"),
        {"r": str(uuid.uuid4()), "s": seq, "k": key})


def test_the_unique_key_index_keeps_only_rows_with_a_key_and_refuses_as_before(url):
    """0013: partial, so rows without a key (most) skip it; a second row for a key is
    still refused by the database itself, and rows without one never clash."""
    engine = server_db.make_engine(url)
    _upgrade(engine, "head")
    with engine.begin() as conn:
        assert "unique_key IS NOT NULL" in _unique_key_index(conn).replace("(", "").replace(
            ")", "")
        _row(conn, 1, None)
        _row(conn, 2, None)
        _row(conn, 3, "k")
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        _row(conn, 4, "k")
    server_db.downgrade(engine, "0012")
    with engine.connect() as conn:
        assert "WHERE" not in _unique_key_index(conn)
        assert conn.execute(sa.text("SELECT count(*) FROM sync_rows")).scalar_one() == 3
    engine.dispose()
