"""Fixtures every test shares: data paths in tmp_path, and the real PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PG_DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch) -> None:
    """Point every path the app uses at tmp_path, so no test touches a real profile."""
    data_dir = tmp_path / "insideout-data"
    monkeypatch.setenv("INSIDEOUT_DATA_DIR", str(data_dir))


def _postgres_reachable(url: str) -> bool:
    try:
        import sqlalchemy as sa

        engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """The real PostgreSQL: skipped locally if absent, fails if INSIDEOUT_REQUIRE_POSTGRES=1."""
    url = os.environ.get("INSIDEOUT_TEST_PG_URL", PG_DEFAULT_URL)
    if not _postgres_reachable(url):
        message = f"PostgreSQL is not reachable at {url}"
        if os.environ.get("INSIDEOUT_REQUIRE_POSTGRES") == "1":
            pytest.fail(message + " and INSIDEOUT_REQUIRE_POSTGRES=1 forbids skipping")
        pytest.skip(message)
    return url


@contextmanager
def temporary_postgres_database(admin_url: str, prefix: str = "insideout_test") -> Iterator[str]:
    """CREATE a throwaway database, yield its URL, DROP it (even if connections remain)."""
    import sqlalchemy as sa

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(admin_url).set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def fresh_postgres_database(postgres_admin_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    with temporary_postgres_database(postgres_admin_url) as url:
        yield url


# ---- the desktop client's device, with a cheap KDF so tests stay quick ----------------
PASSPHRASE = "custody suite kettle 42"


@pytest.fixture
def data_paths(tmp_path):
    from app.config import resolve_paths

    return resolve_paths(tmp_path / "device").ensure()


@pytest.fixture
def device_service(data_paths):
    import main
    from app.store.keys import KdfParams

    return main.build_device_service(data_paths, kdf=KdfParams.fast_for_tests())


@pytest.fixture
def signed_in(device_service):
    """A standalone device with one worker, signed in; locked again at teardown."""
    session = device_service.set_up_standalone(
        full_name="Jo Bloggs", username="jo", passphrase=PASSPHRASE, confirmation=PASSPHRASE
    )
    yield session
    if session.is_open:
        session.close()
