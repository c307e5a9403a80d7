"""The report PDF is signed like the care plan: PAdES, under a certificate the organisation
CA issued for the server, so a laptop's own Verify (which trusts that CA) accepts it."""

from __future__ import annotations

import io

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pypdf import PdfReader

from app.services.signing import TrustAnchors, check_signature, issue_certificate
from sync.server import ca
from sync.server.models import AuditEvent
from tests.server.conftest import MASTER_KEY
from tests.server.reports.helpers import pdf_text, push_custody_north, report_files


def _org_ca_der(world) -> bytes:
    with world.sessions.begin() as session:
        cert, _ = ca.load(session, MASTER_KEY)
    return cert.public_bytes(serialization.Encoding.DER)


def test_the_report_verifies_against_the_organisation_ca_as_a_care_plan_does(world, tmp_path):
    push_custody_north(world)

    pdf = report_files(world, tmp_path)["report.pdf"]

    reader = PdfReader(io.BytesIO(pdf))
    fields = reader.get_fields() or {}
    assert [f.get("/FT") for f in fields.values()] == ["/Sig"]
    assert "Quarterly evaluation report" in pdf_text(pdf)
    check = check_signature(pdf, TrustAnchors([_org_ca_der(world)]))
    assert (check.signed, check.intact, check.trusted) == (True, True, True), check.problem
    assert "InsideOut server reports" in check.signer


def test_another_organisation_does_not_trust_it_and_a_changed_byte_breaks_it(world, tmp_path):
    push_custody_north(world)
    pdf = report_files(world, tmp_path)["report.pdf"]

    other = _a_ca_of_another_organisation()
    assert not check_signature(pdf, TrustAnchors([other])).trusted
    at = pdf.index(b"Quarterly evaluation") + 2
    changed = pdf[:at] + bytes([pdf[at] ^ 1]) + pdf[at + 1:]
    assert not check_signature(changed, TrustAnchors([_org_ca_der(world)])).intact


def test_each_report_is_audited_with_its_signing_certificate(world, tmp_path):
    push_custody_north(world)

    report_files(world, tmp_path)

    with world.sessions.begin() as session:
        [event] = session.query(AuditEvent).filter_by(action="report.generated").all()
    assert event.actor == "cli:tester"
    assert '"quarter": "2026Q3"' in event.detail and '"scope": "Custody North"' in event.detail
    assert "insideout-2026Q3-custody-north-report.pdf" in event.detail
    assert '"signing_certificate": "' in event.detail


def _a_ca_of_another_organisation() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Another organisation CA")])
    cert = issue_certificate(issuer_key=key, issuer=name, subject=name,
                             public_key=key.public_key(), ca=True, days=30)
    return cert.public_bytes(serialization.Encoding.DER)
