"""Laptop signing certificates last a year, are renewed at sync, and are revoked with the
laptop: a plan a revoked laptop signs after its revocation verifies as untrusted elsewhere."""

from __future__ import annotations

import datetime as dt
import time

import sqlalchemy as sa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from app.services import careplan, printing, signing
from app.store.careplan_repo import SigningCredentialRepository
from app.ui.operations import VerifyOperations
from app.ui.verify_view import VerifyView
from sync.server.api.routes_certs import SIGNING_CERT_PATH, SIGNING_CRL_PATH
from sync.server.ca import SigningCertificate
from sync.server.services import org
from tests.careplan.helpers import add_person, plan_input, signed_inputs
from tests.careplan.test_org_ca import _enrol_signing, _second_laptop, _server, _signed_pdf
from tests.server.conftest import API


def _active_certificate(session) -> x509.Certificate:
    with session.transaction() as db:
        row = SigningCredentialRepository(db).active()
        return x509.load_der_x509_certificate(row.cert_der)


def _signed_version(session) -> str:
    draft = careplan.save_plan(session=session, person_id=add_person(session), plan=plan_input())
    person, worker = signed_inputs()
    careplan.sign_version(session=session, version_id=draft.id, person=person, worker=worker)
    return draft.id


def _printed(session, version_id: str) -> bytes:
    """Each print is signed afresh, with the laptop's certificate and clock at that time."""
    return printing.care_plan_pdf(session=session, version_id=version_id).data


def _fetch_crl(world, device) -> str:
    reply = world.client.get(f"{API}{SIGNING_CRL_PATH}", headers=device.headers())
    assert reply.status_code == 200, reply.text
    return reply.json()["crl"]


def _issuer(world, device):
    """What the transport's signing_certificate does, through the test client."""
    def issue(csr: str) -> dict[str, str]:
        reply = world.client.post(f"{API}{SIGNING_CERT_PATH}", headers=device.headers(),
                                  json={"csr": csr})
        assert reply.status_code == 200, reply.text
        return reply.json()
    return issue


def test_certificates_last_a_year_and_each_serial_is_recorded(signed_in, tmp_path):
    world, engine, _ = _server(tmp_path)
    try:
        device = _enrol_signing(world, signed_in, "laptop A")
        cert = _active_certificate(signed_in)
        assert cert.not_valid_after_utc - cert.not_valid_before_utc <= dt.timedelta(days=366)
        with world.sessions() as s:
            rows = s.execute(sa.select(SigningCertificate.serial,
                                       SigningCertificate.device_id)).all()
        assert rows == [(f"{cert.serial_number:x}", device.id)]
    finally:
        engine.dispose()


def test_a_plan_signed_after_the_laptop_was_revoked_is_untrusted_elsewhere(qtbot, signed_in,
                                                                          tmp_path):
    world, engine, _ = _server(tmp_path)
    other = _second_laptop(tmp_path)
    try:
        device_a = _enrol_signing(world, signed_in, "laptop A")
        device_b = _enrol_signing(world, other, "laptop B")
        version_id = _signed_version(signed_in)
        before = _printed(signed_in, version_id)
        time.sleep(1.1)  # the CRL and the signing time keep whole seconds
        with world.sessions.begin() as s:
            org.revoke_device(s, device_a.id, reason="stolen from car", actor="test")
        time.sleep(1.1)
        after = _printed(signed_in, version_id)  # the thief's laptop still holds its key
        assert printing.verify_pdf(data=after, session=other).check.trusted  # not known yet

        assert signing.keep_revocation_list(session=other, crl_pem=_fetch_crl(world, device_b))
        check = printing.verify_pdf(data=after, session=other).check
        assert check.intact and not check.trusted and check.revoked_at
        assert "revoked" in check.problem
        # Plans it signed before it was revoked are still trusted.
        assert printing.verify_pdf(data=before, session=other).check.trusted

        view = VerifyView(ops=VerifyOperations(other))
        qtbot.addWidget(view)
        (tmp_path / "after.pdf").write_bytes(after)
        assert not view.check_file(tmp_path / "after.pdf").ok
        assert "NOT TRUSTED: it was signed after IT revoked the laptop" in view.details.text()
    finally:
        other.close()
        engine.dispose()


def test_only_the_organisations_newer_lists_are_kept(signed_in, tmp_path):
    world, engine, _ = _server(tmp_path)
    try:
        device = _enrol_signing(world, signed_in, "laptop A")
        first = _fetch_crl(world, device)
        assert signing.keep_revocation_list(session=signed_in, crl_pem=first)
        time.sleep(1.1)
        assert signing.keep_revocation_list(session=signed_in, crl_pem=_fetch_crl(world, device))
        assert not signing.keep_revocation_list(session=signed_in, crl_pem=first)  # replayed

        forger = ec.generate_private_key(ec.SECP256R1())
        crl = x509.load_pem_x509_crl(first.encode())
        forged = (x509.CertificateRevocationListBuilder().issuer_name(crl.issuer)
                  .last_update(dt.datetime.now(dt.UTC))
                  .next_update(dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
                  .sign(forger, hashes.SHA256()))
        pem = forged.public_bytes(serialization.Encoding.PEM).decode()
        try:
            signing.keep_revocation_list(session=signed_in, crl_pem=pem)
        except signing.SigningUnavailable:
            pass
        else:
            raise AssertionError("a list the organisation CA did not sign was kept")
    finally:
        engine.dispose()


def test_a_certificate_is_renewed_at_sync_when_under_30_days_are_left(signed_in, tmp_path):
    world, engine, _ = _server(tmp_path)
    try:
        device = _enrol_signing(world, signed_in, "laptop A")
        old = _active_certificate(signed_in)
        issue = _issuer(world, device)
        assert not signing.renew_if_expiring(session=signed_in, issue=issue)
        assert not signing.renew_if_expiring(
            session=signed_in, issue=issue, now=old.not_valid_after_utc - dt.timedelta(days=31))
        assert signing.renew_if_expiring(
            session=signed_in, issue=issue, now=old.not_valid_after_utc - dt.timedelta(days=29))
        new = _active_certificate(signed_in)
        assert new.serial_number != old.serial_number
        with world.sessions() as s:
            assert s.scalar(sa.select(sa.func.count()).select_from(SigningCertificate)) == 2
        # Plans signed with the old certificate still verify on this laptop.
        assert printing.verify_pdf(data=_signed_pdf(signed_in), session=signed_in).check.ok
    finally:
        engine.dispose()


def test_a_ten_year_certificate_from_before_is_replaced_at_the_next_sync():
    now = dt.datetime.now(dt.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "old")])
    old = signing.issue_certificate(issuer_key=key, issuer=name, subject=name,
                                    public_key=key.public_key(), ca=False, days=3650)
    assert signing.needs_renewal(old.public_bytes(serialization.Encoding.DER), now)


def test_a_plan_stays_trusted_after_its_certificate_lapses(signed_in, tmp_path):
    world, engine, _ = _server(tmp_path)
    try:
        _enrol_signing(world, signed_in, "laptop A")
        data = _signed_pdf(signed_in)
        with signed_in.transaction() as db:
            trust = signing.trusted_roots(db)
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=800)
        assert signing.check_signature(data, trust, now=later).trusted
    finally:
        engine.dispose()
