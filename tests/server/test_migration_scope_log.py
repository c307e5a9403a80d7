"""Upgrading to the scope-change log keeps what the held-people list still owed devices."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from alembic import command

from sync.server import db as server_db
from tests.conftest import temporary_postgres_database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"
    else:
        with temporary_postgres_database(request.getfixturevalue("postgres_admin_url"),
                                         "insideout_mig") as pg_url:
            yield pg_url


def _upgrade(engine: sa.Engine, target: str) -> None:
    config = server_db._alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, target)


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
