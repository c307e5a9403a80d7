"""The HTTP surface: versioned paths, clear 4xx bodies, size limits, OpenAPI, the protocol."""

from __future__ import annotations

import typing

import pytest
from pydantic import BaseModel

from sync import protocol as p
from sync.server.api import schemas, sync_wire
from tests.server.conftest import API, clear_of_a_rate_window_edge


def test_health(client):
    reply = client.get(f"{API}/health")
    assert reply.status_code == 200
    assert reply.json() == {"status": "ok", "protocol_version": p.PROTOCOL_VERSION,
                            "database": "ok"}


def test_openapi_is_served_under_the_version_prefix(client):
    doc = client.get(f"{API}/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert doc["paths"] and all(path.startswith(API + "/") for path in doc["paths"])
    assert f"{API}{p.SIGN_IN_PATH}" in doc["paths"]
    invalid = doc["paths"][f"{API}{p.SIGN_IN_PATH}"]["post"]["responses"]["422"]
    assert invalid["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")


def test_invalid_body_names_each_wrong_field(client):
    reply = client.post(f"{API}/devices/enrol", json={"code": 12, "device_nam": "x"})
    assert reply.status_code == 422
    body = reply.json()
    assert body["error"] == p.ERR_INVALID_REQUEST
    fields = {f["field"] for f in body["fields"]}
    assert fields == {"body.code", "body.device_name", "body.device_nam"}
    assert "body.device_name" in body["message"]


def test_malformed_json_is_a_422_not_a_500(client):
    reply = client.post(f"{API}/devices/enrol", content=b"{not json",
                        headers={"content-type": "application/json"})
    assert reply.status_code == 422
    assert reply.json()["error"] == p.ERR_INVALID_REQUEST


def test_validation_errors_do_not_echo_a_password(world):
    device = world.enrol("Custody North")
    secret = "hunter2-secret-" * 100  # over the 1024 limit
    reply = world.client.post(f"{API}/auth/sign-in", headers=device.headers(),
                              json={"username": "ann", "password": secret})
    assert reply.status_code == 422
    assert "hunter2" not in reply.text


def test_linkage_key_must_hold_a_real_past_birth_date(world):
    device = world.enrol("Custody North")
    headers = device.headers(world.sign_in(device, "ann"))
    person = {"person_id": "0b1f5a3e-0000-4000-8000-000000000001", "identifiers": [],
              "consents": []}
    for key, problem in (("DS31021986M", "real date"), ("DS07032999M", "future")):
        reply = world.client.post(f"{API}/people", headers=headers,
                                  json={**person, "linkage_key": key})
        assert reply.status_code == 422
        assert reply.json()["fields"][0]["field"] == "body.linkage_key"
        assert problem in reply.json()["fields"][0]["problem"]


def test_body_over_the_limit_is_413_with_or_without_content_length(client, settings):
    big = b'{"code": "' + b"x" * settings.max_body_bytes + b'"}'
    declared = client.post(f"{API}/devices/enrol", content=big,
                           headers={"content-type": "application/json"})
    assert declared.status_code == 413
    assert declared.json()["error"] == p.ERR_BODY_TOO_LARGE

    def chunks():  # no Content-Length: the limit must count streamed bytes
        for start in range(0, len(big), 65536):
            yield big[start:start + 65536]

    streamed = client.post(f"{API}/devices/enrol", content=chunks(),
                           headers={"content-type": "application/json"})
    assert streamed.status_code == 413


def test_unknown_path_is_a_json_404(client):
    reply = client.get(f"{API}/no-such-thing")
    assert reply.status_code == 404
    assert reply.json()["error"] == p.ERR_NOT_FOUND


def test_enrolment_is_rate_limited(client, settings):
    clear_of_a_rate_window_edge(settings.auth_rate_window_s)
    body = {"code": "AAAAA-BBBBB-CCCCC-DDDDD", "device_name": "guesser"}
    codes = [client.post(f"{API}/devices/enrol", json=body).status_code
             for _ in range(settings.auth_rate_limit + 1)]
    assert codes[:-1] == [401] * settings.auth_rate_limit
    assert codes[-1] == 429


PAIRS = [
    (p.EnrolRequest, schemas.EnrolRequest), (p.EnrolResponse, schemas.EnrolResponse),
    (p.EscrowUpload, schemas.EscrowUpload), (p.EscrowReceipt, schemas.EscrowReceipt),
    (p.AppVersionReport, schemas.AppVersionReport),
    (p.AppVersionReceipt, schemas.AppVersionReceipt),
    (p.SignInKey, schemas.SignInKey),
    (p.SignInRequest, schemas.SignInRequest), (p.SignInResponse, schemas.SignInResponse),
    (p.WorkerInfo, schemas.WorkerInfo), (p.Identifier, schemas.Identifier),
    (p.ConsentEntry, schemas.ConsentEntry), (p.PersonCreate, schemas.PersonCreate),
    (p.ConsentUpdate, schemas.ConsentUpdate), (p.PersonView, schemas.PersonView),
    (p.PeoplePage, schemas.PeoplePage), (p.LookupRequest, schemas.LookupRequest),
    (p.LookupMatch, schemas.LookupMatch), (p.FetchRequest, schemas.FetchRequest),
    (p.BreakGlassRequest, schemas.BreakGlassRequest), (p.Notification, schemas.Notification),
    (p.RecoverKeyRequest, schemas.RecoverKeyRequest),
    (p.RecoverKeyResponse, schemas.RecoverKeyResponse), (p.Health, schemas.Health),
    (p.WipedReceipt, schemas.WipedReceipt), (p.KeyRelease, schemas.KeyRelease),
    (p.ErrorBody, schemas.ErrorBody), (p.TeamEntry, schemas.TeamEntry),
    (p.TeamsPage, schemas.TeamsPage), (p.TeamWorker, schemas.TeamWorker),
    (p.HandoverRequest, schemas.HandoverRequest),
    (p.HandoverView, schemas.HandoverView),
    (p.TeamDevice, schemas.TeamDevice), (p.LaptopUser, schemas.LaptopUser),
]
# The sync shapes have no twin: the push body's decoder is made from p.Change and
# p.PushRequest (sync_wire, tests/server/test_push_body.py), and the OpenAPI document
# describes the replies straight from these.
SYNC_REPLIES = {p.SYNC_PUSH_PATH: ("post", p.PushResponse),
                p.SYNC_PULL_PATH: ("get", p.PullResponse)}
FROM_THE_PROTOCOL = {p.Change, p.PushRequest, p.ChangeResult, p.PushResponse, p.PulledRow,
                     p.PullResponse}


@pytest.mark.parametrize(("wire", "model"), PAIRS, ids=lambda x: x.__name__)
def test_server_models_match_the_shared_protocol(wire, model: type[BaseModel]):
    assert set(typing.get_type_hints(wire)) == set(model.model_fields)


def test_every_protocol_shape_has_a_server_model():
    shapes = {name for name, obj in vars(p).items()
              if isinstance(obj, type) and typing.is_typeddict(obj)}
    assert shapes - {shape.__name__ for shape, _ in PAIRS} - {
        shape.__name__ for shape in FROM_THE_PROTOCOL} == {"FieldProblem"}


@pytest.mark.parametrize("path", SYNC_REPLIES)
def test_the_sync_replies_are_documented_from_the_shared_protocol(client, path):
    method, shape = SYNC_REPLIES[path]
    doc = client.get(f"{API}/openapi.json").json()
    schema = doc["paths"][f"{API}{path}"][method]["responses"]["200"]["content"][
        "application/json"]["schema"]
    assert schema == sync_wire.openapi_schema(shape)
    assert set(schema["properties"]) == set(typing.get_type_hints(shape))


def test_rate_limit_is_shared_by_separate_app_instances(settings, sessions):
    """Two apps on one database stand in for two worker processes: the count is shared."""
    from fastapi.testclient import TestClient

    from sync.server.app import create_app
    from tests.server.conftest import MASTER_KEY

    apps = [TestClient(create_app(settings, sessions=sessions, master_key=MASTER_KEY))
            for _ in range(2)]
    body = {"code": "AAAAA-BBBBB-CCCCC-DDDDD", "device_name": "guesser"}
    clear_of_a_rate_window_edge(settings.auth_rate_window_s)
    codes = [apps[i % 2].post(f"{API}/devices/enrol", json=body).status_code
             for i in range(settings.auth_rate_limit + 1)]
    assert codes[-1] == 429
    assert codes.count(401) == settings.auth_rate_limit


def test_control_characters_are_a_422_on_both_backends(world):
    device = world.enrol("Custody North")
    enrol = world.client.post(f"{API}/devices/enrol",
                              json={"code": "AAAAA-BBBBB", "device_name": "lap\x00top"})
    sign_in = world.client.post(f"{API}/auth/sign-in", headers=device.headers(),
                                json={"username": "ann\x00", "password": "x"})
    for reply, field in ((enrol, "body.device_name"), (sign_in, "body.username")):
        assert reply.status_code == 422
        assert reply.json()["fields"][0]["field"] == field
