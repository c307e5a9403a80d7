"""Push and pull are served by plain routes in front of FastAPI's: they must take and
refuse exactly what the OpenAPI document says, with the errors every route gives."""

from __future__ import annotations

import dataclasses
import threading
import uuid

import pytest
from starlette.routing import Match

from sync import protocol as p
from sync.server.api import routes_sync
from tests.server.conftest import API
from tests.server.test_sync import change

PULL = f"{API}{p.SYNC_PULL_PATH}"


@pytest.mark.parametrize(("name", "value"), [
    ("cursor", "-1"), ("cursor", "abc"), ("cursor", "1.5"), ("cursor", str(2**62 + 1)),
    ("cursor", "\u0661"),  # an Arabic-Indic one: a digit to str.isdigit, not to us
    ("limit", "0"), ("limit", str(p.MAX_PULL_PAGE + 1)), ("limit", ""),
    ("check_scope", "maybe"), ("scope_seen", "-3"), ("scope_seen", "9" * 30),
])
def test_a_bad_pull_parameter_is_refused_by_name(world, name, value) -> None:
    device = world.enrol("Custody North")
    reply = world.client.get(PULL, headers=device.headers(), params={name: value})
    assert reply.status_code == 422, reply.text
    body = reply.json()
    assert body["error"] == p.ERR_INVALID_REQUEST
    assert [f["field"] for f in body["fields"]] == [f"query.{name}"]


@pytest.mark.parametrize(("spelling", "checks_scope"), [("False", False), ("0", False),
                                                        ("no", False), ("YES", True)])
def test_check_scope_takes_the_spellings_fastapi_takes(world, spelling, checks_scope) -> None:
    device = world.enrol("Custody North")
    reply = world.client.get(PULL, headers=device.headers(),
                             params={"cursor": 0, "limit": p.MAX_PULL_PAGE,
                                     "check_scope": spelling, "scope_seen": 0})
    assert reply.status_code == 200, reply.text
    # The scope version is read (and sent) only when the scope is checked.
    assert (reply.json()["scope_version"] is not None) is checks_scope


@pytest.mark.parametrize("authorization", [None, "Basic abc", "Bearer", "Bearer ", "bearer x"])
def test_pull_without_a_device_token_is_unauthenticated(world, authorization) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    reply = world.client.get(PULL, headers=headers)
    assert reply.status_code == 401, reply.text
    assert reply.json()["error"] == p.ERR_UNAUTHENTICATED


def test_the_token_scheme_is_read_as_fastapi_reads_it(world) -> None:
    device = world.enrol("Custody North")
    reply = world.client.get(PULL, headers={"Authorization": f"BEARER {device.token}"})
    assert reply.status_code == 200, reply.text


def test_push_and_pull_reach_the_plain_routes_first(client) -> None:
    for method, path, endpoint in (("POST", p.SYNC_PUSH_PATH, routes_sync.push_endpoint),
                                   ("GET", p.SYNC_PULL_PATH, routes_sync.pull_endpoint)):
        scope = {"type": "http", "method": method, "path": f"{API}{path}"}
        first = next(r for r in client.app.router.routes if r.matches(scope)[0] == Match.FULL)
        assert getattr(first, "endpoint", None) is endpoint


def test_the_openapi_document_still_gives_the_pull_limits(client) -> None:
    doc = client.get(f"{API}/openapi.json").json()
    params = {q["name"]: q["schema"] for q in doc["paths"][PULL]["get"]["parameters"]
              if q["in"] == "query"}
    assert params["cursor"]["maximum"] == routes_sync.MAX_CURSOR
    assert (params["limit"]["minimum"], params["limit"]["maximum"]) == (1, p.MAX_PULL_PAGE)
    assert set(params) == {"cursor", "limit", "check_scope", "scope_seen"}


def test_the_openapi_document_explains_push_and_pull(client) -> None:
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    assert "reused id" in paths[f"{API}{p.SYNC_PUSH_PATH}"]["post"]["description"]
    assert "scope_seen" in paths[PULL]["get"]["description"]


@pytest.mark.parametrize(("in_flight", "in_the_loop"), [(1, True), (3, False)])
def test_sync_work_runs_in_the_event_loop_only_when_one_request_is_worked_on_at_once(
        world, monkeypatch, in_flight, in_the_loop) -> None:
    """One at a time, a worker thread overlaps with nothing: the hand-over is pure cost.
    More at once, a request waiting on the database must leave the loop to the others."""
    app = world.client.app
    monkeypatch.setattr(app.state, "settings",
                        dataclasses.replace(app.state.settings, requests_in_flight=in_flight))
    loop_threads, work_threads = [], []
    read_token, work = routes_sync._bearer_token, routes_sync.as_device

    def token_in_the_loop(request):
        loop_threads.append(threading.get_ident())
        return read_token(request)

    def recorded_work(*args, **options):
        work_threads.append(threading.get_ident())
        return work(*args, **options)

    monkeypatch.setattr(routes_sync, "_bearer_token", token_in_the_loop)
    monkeypatch.setattr(routes_sync, "as_device", recorded_work)
    device = world.enrol("Custody North")
    assert world.client.get(PULL, headers=device.headers()).status_code == 200
    push = world.client.post(f"{API}{p.SYNC_PUSH_PATH}", headers=device.headers(),
                             json={"changes": [change(str(uuid.uuid4()))]})
    assert push.status_code == 200, push.text
    assert len(work_threads) == len(loop_threads) == 2
    assert (work_threads == loop_threads) is in_the_loop
