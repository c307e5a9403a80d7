"""Request bodies: strict types (no 0 for false) and one documented answer (422) for a
body that cannot even be read."""

from __future__ import annotations

import inspect

import pytest

from sync import protocol as p
from sync.server.api import routes_certs, schemas
from tests.server.conftest import API, new_person


@pytest.fixture
def ann(world):
    laptop = world.enrol("Custody North")
    return laptop.headers(world.sign_in(laptop, "ann"))


@pytest.mark.parametrize("granted", [0, 1, "true", "false", "yes", None, 1.0])
def test_a_consent_must_be_a_json_boolean(world, ann, granted):
    person = new_person()
    assert world.client.post(f"{API}/people", headers=ann, json=person).status_code == 201
    reply = world.client.put(f"{API}/people/{person['person_id']}/consents", headers=ann,
                             json={"consents": [{"agency": "probation", "granted": granted}]})
    assert reply.status_code == 422, reply.text
    assert reply.json()["fields"][0]["field"] == "body.consents.0.granted"
    created = world.client.post(f"{API}/people", headers=ann, json={
        **new_person(), "consents": [{"agency": "probation", "granted": granted}]})
    assert created.status_code == 422


def test_true_and_false_still_work(world, ann):
    person = new_person()
    assert world.client.post(f"{API}/people", headers=ann, json=person).status_code == 201
    for granted in (True, False):
        reply = world.client.put(f"{API}/people/{person['person_id']}/consents", headers=ann,
                                 json={"consents": [{"agency": "probation", "granted": granted}]})
        assert reply.status_code == 200
        assert reply.json()["consents"] == [{"agency": "probation", "granted": granted}]


def test_a_number_is_not_taken_for_a_string(world):
    laptop = world.enrol("Custody North")
    reply = world.client.post(f"{API}/auth/sign-in", headers=laptop.headers(),
                              json={"username": 12345, "password": 123456789012})
    assert reply.status_code == 422
    assert {f["field"] for f in reply.json()["fields"]} == {"body.username", "body.password"}


def _request_models():
    modules = (schemas, routes_certs)
    return [obj for module in modules for obj in vars(module).values()
            if inspect.isclass(obj) and issubclass(obj, schemas.Request)]


def test_every_request_model_is_strict():
    models = _request_models()
    assert len(models) >= 10
    assert [m.__name__ for m in models if not m.model_config.get("strict")] == []


def _operations_with_bodies(client):
    doc = client.get(f"{API}/openapi.json").json()
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            if "requestBody" in operation:
                concrete = (path.replace("{person_id}", "0b1f5a3e-0000-4000-8000-000000000001")
                            .replace("{notification_id}", "1"))
                yield method, concrete, operation


@pytest.mark.parametrize("body", [b"\xff\xfe{", b'{"code": "\xff"}', b"{not json"])
def test_a_body_that_cannot_be_read_gets_the_documented_422_everywhere(world, ann, body):
    operations = list(_operations_with_bodies(world.client))
    assert len(operations) >= 8
    for method, path, operation in operations:
        reply = world.client.request(method, path, content=body, headers={
            **ann, "content-type": "application/json"})
        assert str(reply.status_code) in operation["responses"], (method, path, reply.text)
        assert reply.status_code == 422, (method, path, reply.status_code)
        answer = reply.json()
        assert answer["error"] == p.ERR_INVALID_REQUEST and answer["message"], (path, answer)
        assert answer["fields"], (path, answer)
