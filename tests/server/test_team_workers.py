"""GET /team/workers through real HTTP: an enrolled laptop is told who in its own team can
hold a caseload (so a lead can give a person to a colleague the laptop has never seen), by
name, with who is switched off; nobody else's workers, and nothing without the laptop's
token. The laptop asks at every sync, with its own token: a worker who unlocked offline
has no server sign-in."""

from __future__ import annotations

import typing

import pytest
import requests
from requests.adapters import BaseAdapter

from sync import protocol as p
from sync.client.transport import DeviceRevoked, HttpTransport
from sync.server.api import schemas
from sync.server.models import Worker, utcnow
from tests.server.conftest import API
from tests.server.test_author_names import add_named_worker

URL = API + p.TEAM_WORKERS_PATH


def _revoke(world, device) -> None:
    from sync.server.services import org
    with world.sessions.begin() as s:
        org.revoke_device(s, device.id, reason="left on a train", actor="test")


def _signed_in(world, username: str, team: str = "Custody North"):
    device = world.enrol(team)
    return device, device.headers(world.sign_in(device, username))


def _listed(world, headers: dict[str, str]) -> list[dict]:
    reply = world.client.get(URL, headers=headers)
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_the_team_is_listed_by_name_with_each_role(world):
    add_named_worker(world, "ada", "Ada Lovelace")
    add_named_worker(world, "zed", "Zed Adams", role="team_lead")
    _, headers = _signed_in(world, "ann")

    listed = _listed(world, headers)

    assert listed == [
        {"worker_id": world.workers["ada"], "display_name": "Ada Lovelace", "role": "worker",
         "active": True},
        {"worker_id": world.workers["ann"], "display_name": "ann", "role": "worker",
         "active": True},
        {"worker_id": world.workers["lee"], "display_name": "lee", "role": "team_lead",
         "active": True},
        {"worker_id": world.workers["zed"], "display_name": "Zed Adams", "role": "team_lead",
         "active": True}]


def test_another_teams_workers_are_not_listed(world):
    _, headers = _signed_in(world, "pia", "Prison In-Reach")

    listed = _listed(world, headers)

    assert [w["worker_id"] for w in listed] == [world.workers["bob"], world.workers["pia"]]
    assert not {world.workers[n] for n in ("ann", "lee", "pat")} & {
        w["worker_id"] for w in listed}


def test_a_switched_off_worker_is_listed_inactive(world):
    _, headers = _signed_in(world, "lee")
    with world.sessions.begin() as s:
        s.get_one(Worker, world.workers["ann"]).disabled_at = utcnow()

    listed = {w["display_name"]: w["active"] for w in _listed(world, headers)}

    assert listed == {"ann": False, "lee": True}


def test_a_partners_laptop_lists_nobody_who_holds_a_caseload(world):
    device, _ = _signed_in(world, "pat", "Probation Partners")

    assert _listed(world, device.headers()) == []


def test_the_laptops_own_token_is_enough_and_nothing_without_it(world):
    device, headers = _signed_in(world, "lee")

    assert _listed(world, device.headers()) == _listed(world, headers)
    no_device = world.client.get(URL)
    assert no_device.status_code == 401
    _revoke(world, device)
    assert world.client.get(URL, headers=device.headers()).status_code in (401, 403)


class _ToTestClient(BaseAdapter):
    """requests, as the laptop's transport sends it, answered by the app in this test's
    rolled-back transaction (TestClient speaks httpx, not requests)."""

    def __init__(self, client) -> None:
        super().__init__()
        self._client = client

    def send(self, request, **_kwargs) -> requests.Response:
        path = request.url.split("127.0.0.1", 1)[1]
        reply = self._client.request(request.method, path, headers=dict(request.headers),
                                     content=request.body)
        response = requests.Response()
        response.status_code, response._content = reply.status_code, reply.content
        response.headers.update(reply.headers)
        response.url, response.request = request.url, request
        return response

    def close(self) -> None:
        pass


def _transport(world, device, session_token: str = "") -> HttpTransport:
    http = requests.Session()
    http.mount("http://127.0.0.1", _ToTestClient(world.client))
    return HttpTransport("http://127.0.0.1", device.token, session=http, attempts=1,
                         worker_session=session_token)


def test_the_laptops_transport_reads_the_team(world):
    device = world.enrol("Custody North")
    transport = _transport(world, device, world.sign_in(device, "lee"))

    listed = transport.team_workers()

    assert [(w["display_name"], w["role"], w["active"]) for w in listed] == [
        ("ann", "worker", True), ("lee", "team_lead", True)]


def test_the_laptops_transport_with_a_revoked_token_is_refused(world):
    device = world.enrol("Custody North")
    assert [w["display_name"] for w in _transport(world, device).team_workers()] == [
        "ann", "lee"]
    _revoke(world, device)

    with pytest.raises(DeviceRevoked):
        _transport(world, device).team_workers()


def test_the_server_model_matches_the_shared_protocol():
    assert set(typing.get_type_hints(p.TeamWorker)) == set(schemas.TeamWorker.model_fields)
