"""Reports signed like the care plan: PAdES, with a certificate of the organisation's CA.

Each report gets a fresh key and a certificate for it ("InsideOut server reports") that
the organisation CA (sync/server/ca.py) issues there and then; the key signs this one PDF
and is thrown away, so there is no server signing key to steal or to revoke. A laptop's
Verify already trusts the organisation CA, so it checks a report as it checks a care plan
(app/services/signing.py, which this mirrors; sync never imports app.services).
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
from dataclasses import dataclass

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import NameOID
from sqlalchemy.orm import Session

from sync.server import ca, db

with warnings.catch_warnings():
    # pyHanko imports DSA, which cryptography deprecates: IT would see the warning on
    # every report. Reports sign with EC P-256 only.
    warnings.simplefilter("ignore", CryptographyDeprecationWarning)
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

SIGNER_NAME = "InsideOut server reports"
FIELD = "InsideOutSignature"  # the care plan's field name: one Verify reads both
_RESERVED = 12_288  # room for the CMS blob, as on the laptop (no trial signature)
_DER = serialization.Encoding.DER


@dataclass(frozen=True)
class Signed:
    pdf: bytes
    serial: str  # the certificate's serial, hex: what the audit event names


def sign_report(session: Session, pdf: bytes, *, reason: str) -> Signed:
    """`pdf` with a PAdES signature over every byte of it."""
    ca_cert, ca_key = ca.load(session, db.master_key_of(session))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _certificate(ca_cert, ca_key, key.public_key())
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(_DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
            _DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(ca_cert.public_bytes(_DER))]))
    meta = signers.PdfSignatureMetadata(field_name=FIELD, reason=reason,
                                        subfilter=fields.SigSeedSubFilter.PADES)
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=signer,
                           bytes_reserved=_RESERVED)
    return Signed(out.getvalue(), f"{cert.serial_number:x}")


def _certificate(ca_cert: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey,
                 public_key: ec.EllipticCurvePublicKey) -> x509.Certificate:
    """A document signer's certificate, as the CA issues a laptop's (ca.DEVICE_DAYS)."""
    now = dt.datetime.now(dt.UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "InsideOut"),
                         x509.NameAttribute(NameOID.COMMON_NAME, SIGNER_NAME)])
    usage = x509.KeyUsage(digital_signature=True, content_commitment=True,
                          key_encipherment=False, data_encipherment=False,
                          key_agreement=False, key_cert_sign=False, crl_sign=False,
                          encipher_only=False, decipher_only=False)
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(ca_cert.subject)
            .public_key(public_key).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=10))
            .not_valid_after(now + dt.timedelta(days=ca.DEVICE_DAYS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage, critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), False)
            .sign(ca_key, hashes.SHA256()))
