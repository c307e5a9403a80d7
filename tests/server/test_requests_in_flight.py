"""At most `limit` requests inside the app at once; the rest wait their turn, none lost."""

from __future__ import annotations

import asyncio

import pytest

from sync.server import db, serve
from sync.server.__main__ import main as server_main
from sync.server.api.limits import RequestsInFlight
from sync.server.app import create_app
from sync.server.settings import REQUESTS_IN_FLIGHT_ENV, Settings


def test_no_more_requests_inside_than_the_limit_and_every_one_answered():
    inside, most, answered = 0, 0, []

    async def app(scope, receive, send):
        nonlocal inside, most
        inside += 1
        most = max(most, inside)
        await asyncio.sleep(0.01)  # holding "a connection" for a while
        inside -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})

    gate = RequestsInFlight(app, limit=3)

    async def request(n: int) -> None:
        async def send(message):
            answered.append(n)

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        await gate({"type": "http"}, receive, send)

    async def main() -> None:
        await asyncio.gather(*(request(n) for n in range(20)))

    asyncio.run(main())
    assert most == 3
    assert sorted(answered) == list(range(20))


# ---- how many: a setting, carried to every worker process ---------------------------

def test_the_app_admits_as_many_as_its_settings_say(tmp_path):
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 's.db'}",
                        requests_in_flight=5)
    app = create_app(settings, master_key=bytes(32))
    gates = [m.kwargs for m in app.user_middleware if m.cls is RequestsInFlight]
    assert [gate["limit"] for gate in gates] == [5]
    assert gates[0]["exempt"] == {"/api/v1/health"}  # a load balancer's probe never queues


def test_worker_processes_rebuild_the_same_number_from_the_environment(tmp_path, monkeypatch):
    parent = Settings.from_env(data_dir=tmp_path, requests_in_flight=7)
    for name, value in parent.to_env().items():  # what serve hands to uvicorn's workers
        monkeypatch.setenv(name, value)
    assert Settings.from_env().requests_in_flight == 7


@pytest.mark.parametrize(("argv", "env", "message"), [
    (["--requests-in-flight", "0"], "", "must be 1 to 16 per worker process, not 0"),
    (["--requests-in-flight", "40"], "", "must be 1 to 16 per worker process, not 40"),
    ([], "many", "INSIDEOUT_SERVER_REQUESTS_IN_FLIGHT must be a whole number, not 'many'"),
])
def test_a_number_out_of_range_stops_serve_with_a_message(tmp_path, monkeypatch, argv, env,
                                                          message):
    monkeypatch.setenv(REQUESTS_IN_FLIGHT_ENV, env)
    monkeypatch.setattr(serve, "run", lambda *_: pytest.fail("serve went ahead"))
    with pytest.raises(SystemExit) as stopped:
        server_main(["serve", "--data-dir", str(tmp_path), *argv])
    assert message in str(stopped.value)


def test_the_health_check_does_not_queue_behind_the_requests_in_flight():
    release = asyncio.Event()
    answered: list[str] = []

    async def app(scope, receive, send):
        if scope["path"] != "/api/v1/health":
            await release.wait()  # a long sync holding the only place
        answered.append(scope["path"])

    gate = RequestsInFlight(app, limit=1, exempt=frozenset({"/api/v1/health"}))

    async def main() -> None:
        held = asyncio.create_task(gate({"type": "http", "path": "/api/v1/sync/pull"},
                                        None, None))
        queued = asyncio.create_task(gate({"type": "http", "path": "/api/v1/sync/push"},
                                          None, None))
        await asyncio.sleep(0)
        await asyncio.wait_for(gate({"type": "http", "path": "/api/v1/health"}, None, None), 1)
        assert answered == ["/api/v1/health"]  # while the others still wait
        release.set()
        await asyncio.gather(held, queued)

    asyncio.run(main())
    assert sorted(answered) == ["/api/v1/health", "/api/v1/sync/pull", "/api/v1/sync/push"]


def test_the_command_line_number_wins_over_a_bad_variable(monkeypatch):
    monkeypatch.setenv(REQUESTS_IN_FLIGHT_ENV, "lots")
    assert Settings.from_env(requests_in_flight=3).requests_in_flight == 3


@pytest.mark.postgres
def test_a_database_host_that_does_not_answer_is_given_up_on(postgres_admin_url):
    """With one request at a time, a worker waits with a hanging connect: 10 s, not the
    minutes the network would take, unless the URL says otherwise."""
    for url, seconds in ((postgres_admin_url, "10"),
                         (f"{postgres_admin_url}?connect_timeout=3", "3")):
        engine = db.make_engine(url)
        try:
            with engine.connect() as conn:
                parameters = conn.connection.dbapi_connection.info.get_parameters()
            assert parameters.get("connect_timeout") == seconds
        finally:
            engine.dispose()
