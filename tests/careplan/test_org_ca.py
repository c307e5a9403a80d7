"""Enrolled devices hold certificates from the organisation CA on the server, so a plan
signed on one laptop verifies as trusted on another; the CA key is sealed at rest."""

import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from fastapi.testclient import TestClient

import main
from app.services import careplan, printing, signing
from app.store.keys import KdfParams
from sync.server import crypto
from sync.server import db as server_db
from sync.server.api.routes_certs import SIGNING_CA_PATH, SIGNING_CERT_PATH
from sync.server.app import create_app
from sync.server.ca import SigningCA
from tests.careplan.helpers import add_person, plan_input, signed_inputs
from tests.conftest import PASSPHRASE
from tests.server.conftest import API, MASTER_KEY, World, cheap_settings


def _server(tmp_path):
    path = tmp_path / "server.sqlite3"
    engine = server_db.make_engine(f"sqlite:///{path}")
    server_db.migrate(engine)
    settings = cheap_settings(tmp_path, f"sqlite:///{path}")
    sessions = server_db.session_factory(engine)
    client = TestClient(create_app(settings, sessions=sessions, master_key=MASTER_KEY))
    world = World(client=client, sessions=sessions, settings=settings)
    world.add_team("Custody North")
    return world, engine, path


def _enrol_signing(world, session, name):
    """What the enrolment flow does after it has a device token (see the report)."""
    device = world.enrol("Custody North", name)
    csr = signing.make_certificate_request(session=session)
    reply = world.client.post(f"{API}{SIGNING_CERT_PATH}", headers=device.headers(),
                              json={"csr": csr})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    signing.install_issued_certificate(session=session, certificate_pem=body["certificate"],
                                       ca_pem=body["ca_certificate"])
    return device


def _second_laptop(tmp_path):
    from app.config import resolve_paths

    paths = resolve_paths(tmp_path / "laptop-b").ensure()
    service = main.build_device_service(paths, kdf=KdfParams.fast_for_tests())
    return service.set_up_standalone(full_name="Sam Reid", username="sam",
                                     passphrase=PASSPHRASE, confirmation=PASSPHRASE)


def _signed_pdf(session):
    person_id = add_person(session)
    draft = careplan.save_plan(session=session, person_id=person_id, plan=plan_input())
    person, worker = signed_inputs()
    careplan.sign_version(session=session, version_id=draft.id, person=person, worker=worker)
    return printing.care_plan_pdf(session=session, version_id=draft.id).data


def test_a_plan_signed_on_one_enrolled_laptop_is_trusted_on_another(signed_in, tmp_path):
    world, engine, _ = _server(tmp_path)
    other = _second_laptop(tmp_path)
    try:
        _enrol_signing(world, signed_in, "laptop A")
        data = _signed_pdf(signed_in)
        assert not printing.verify_pdf(data=data, session=other).check.trusted  # not yet
        _enrol_signing(world, other, "laptop B")
        result = printing.verify_pdf(data=data, session=other)
        assert result.check.intact and result.check.trusted
        assert "InsideOut device" in result.check.signer
        assert not result.known  # the record itself has not synced to laptop B
    finally:
        other.close()
        engine.dispose()


def test_the_ca_key_is_sealed_in_the_database_and_requests_are_checked(tmp_path):
    world, engine, path = _server(tmp_path)
    device = world.enrol("Custody North")
    bad = world.client.post(f"{API}{SIGNING_CERT_PATH}", headers=device.headers(),
                            json={"csr": "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n"})
    assert bad.status_code == 422
    anonymous = world.client.get(f"{API}{SIGNING_CA_PATH}")
    assert anonymous.status_code == 401
    assert "BEGIN CERTIFICATE" in world.client.get(
        f"{API}{SIGNING_CA_PATH}", headers=device.headers()).json()["ca_certificate"]
    with engine.connect() as conn:
        row = conn.execute(sa.select(SigningCA.key_nonce, SigningCA.key_sealed)).one()
    engine.dispose()
    key_der = crypto.unseal(MASTER_KEY, row.key_nonce, row.key_sealed,
                            context="insideout-signing-ca")
    secret = serialization.load_der_private_key(key_der, None).private_numbers().private_value
    raw = b"".join(f.read_bytes() for f in path.parent.glob("server.sqlite3*"))
    # The certificate (public key) is in the file, the private scalar is not.
    assert len(raw) > 10_000 and secret.to_bytes(32, "big") not in raw
