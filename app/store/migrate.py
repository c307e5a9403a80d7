"""Bring the schema to this version's head on unlock; refuse a newer database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine, inspect, text

from app.store.errors import NewerDatabaseError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, target: str = "head") -> str:
    """Migrate to `target` (tests use older targets). Returns the revision now in force."""
    current = current_revision(engine)
    script = ScriptDirectory.from_config(_config())
    if current is not None:
        try:
            script.get_revision(current)
        except CommandError:
            raise NewerDatabaseError(current) from None
    wanted = script.get_current_head() if target == "head" else target
    if current == wanted:
        return current  # the common case: no Alembic run on a normal unlock
    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, target)
    return current_revision(engine) or ""
