"""Schemathesis drives every operation in the OpenAPI document; no input may cause a 5xx.

In-process ASGI on both backends (PostgreSQL refuses inputs SQLite takes, such as
NUL characters), inside a rolled-back transaction. Requests carry a real device
token and a team lead's session, so generated bodies reach the handlers instead of all
stopping at 401. Bounded by max_examples to keep the suite quick on two cores.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from sync import protocol as p
from sync.server import db as server_db
from sync.server.app import create_app
from tests.server.conftest import MASTER_KEY, World, cheap_settings


@pytest.fixture
def fuzz_app(engine, tmp_path) -> Iterator[tuple[object, dict[str, str]]]:
    from fastapi.testclient import TestClient

    conn = engine.connect()
    outer = conn.begin()
    sessions = server_db.session_factory(conn)
    conf = cheap_settings(tmp_path, engine.url.render_as_string(hide_password=False))
    app = create_app(conf, sessions=sessions, master_key=MASTER_KEY)
    world = World(client=TestClient(app), sessions=sessions, settings=conf)
    world.add_team("Custody North")
    world.add_worker("lee", "Custody North", role="team_lead")
    device = world.enrol("Custody North")
    headers = device.headers(world.sign_in(device, "lee"))
    try:
        yield app, headers
    finally:
        outer.rollback()
        conn.close()


MAX_EXAMPLES = 10  # per operation and mode: 13 operations x 2 modes, a few seconds


def _fuzz(operation, mode: GenerationMode, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case) -> None:
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    run()


def test_no_input_makes_the_server_fail(fuzz_app):
    # One test looping over operations: schemathesis' pytest plugin (from_fixture) does
    # not run under pytest 9, and loading the schema at import would build an app then.
    app, headers = fuzz_app
    schema = schemathesis.openapi.from_asgi(f"{p.API_PREFIX}/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 13
    failures = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, headers)
            except Unsatisfiable:
                # An operation with no inputs (GET /health) has no invalid request to make.
                assert mode is GenerationMode.NEGATIVE, operation.label
            except Exception as failure:  # report every operation, not just the first
                failures.append(f"{operation.label} [{mode}]: {failure}")
    assert failures == []
