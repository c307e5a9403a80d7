"""The organisation's certificate authority: it certifies each enrolled device's PDF key.

A care plan signed on one laptop then verifies on every laptop of the organisation,
because all of them trust this one CA. The CA's private key is sealed under the server
master key (AES-256-GCM, like key escrow) so a database backup alone cannot issue
certificates. The key is made on first use; concurrent first uses agree on one row.
"""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import ForeignKey, LargeBinary, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from sync import protocol as p
from sync.server import crypto
from sync.server.errors import Refused
from sync.server.models import Device, utcnow
from sync.server.models.base import Base, UTCDateTime
from sync.server.services import audit

CA_ROW_ID = "organisation"
_CONTEXT = "insideout-signing-ca"  # bound into the seal: this ciphertext is only the CA key
CA_DAYS = 3650 * 2
# Short: a laptop renews at sync when under 30 days are left (app/services/signing.py), so
# a certificate on a laptop that stops syncing lapses within a year even unrevoked.
DEVICE_DAYS = 365
CRL_DAYS = 7  # nextUpdate; laptops keep using the newest list they have beyond it


class SigningCA(Base):
    __tablename__ = "signing_ca"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    cert_der: Mapped[bytes] = mapped_column(LargeBinary)
    key_nonce: Mapped[bytes] = mapped_column(LargeBinary)
    key_sealed: Mapped[bytes] = mapped_column(LargeBinary)


class SigningCertificate(Base):
    """Each certificate issued to a device, so revoking the device can revoke them."""

    __tablename__ = "signing_certificates"

    serial: Mapped[str] = mapped_column(String(40), primary_key=True)  # hex, up to 159 bits
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), index=True)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    not_after: Mapped[dt.datetime] = mapped_column(UTCDateTime)


def _name(common_name: str, unit: str = "") -> x509.Name:
    parts = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, "InsideOut")]
    if unit:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit[:64]))
    return x509.Name([*parts, x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(issuer_key: ec.EllipticCurvePrivateKey, issuer: x509.Name,
                 subject: x509.Name, public_key: ec.EllipticCurvePublicKey, *, ca: bool,
                 days: int) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    usage = x509.KeyUsage(digital_signature=not ca, content_commitment=not ca,
                          key_encipherment=False, data_encipherment=False, key_agreement=False,
                          key_cert_sign=ca, crl_sign=ca, encipher_only=False,
                          decipher_only=False)
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
            .public_key(public_key).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=10))
            .not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), True)
            .add_extension(usage, critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                issuer_key.public_key()), False)
            .sign(issuer_key, hashes.SHA256()))


def _create(session: Session, master_key: bytes) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name("InsideOut organisation signing CA")
    cert = _certificate(key, name, name, key.public_key(), ca=True, days=CA_DAYS)
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    nonce, sealed = crypto.seal(master_key, der, context=_CONTEXT)
    try:
        with session.begin_nested():
            session.add(SigningCA(id=CA_ROW_ID, cert_der=cert.public_bytes(
                serialization.Encoding.DER), key_nonce=nonce, key_sealed=sealed))
    except IntegrityError:
        pass  # another process made it first: use theirs
    audit.record(session, "signing_ca.created", actor="server")


def load(session: Session, master_key: bytes) -> tuple[x509.Certificate,
                                                       ec.EllipticCurvePrivateKey]:
    row = session.get(SigningCA, CA_ROW_ID)
    if row is None:
        _create(session, master_key)
        row = session.get(SigningCA, CA_ROW_ID)
        assert row is not None
    der = crypto.unseal(master_key, row.key_nonce, row.key_sealed, context=_CONTEXT)
    key = serialization.load_der_private_key(der, None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return x509.load_der_x509_certificate(row.cert_der), key


def ca_certificate_pem(session: Session, master_key: bytes) -> str:
    cert, _ = load(session, master_key)
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _read_csr(csr_pem: str) -> ec.EllipticCurvePublicKey:
    try:
        csr = x509.load_pem_x509_csr(csr_pem.encode("ascii", "strict"))
    except (ValueError, UnicodeEncodeError):
        raise Refused(422, p.ERR_INVALID_REQUEST, "csr is not a PEM certificate request") \
            from None
    public_key = csr.public_key()
    if not csr.is_signature_valid or not isinstance(public_key, ec.EllipticCurvePublicKey):
        raise Refused(422, p.ERR_INVALID_REQUEST, "csr must be a self-signed EC P-256 request")
    return public_key


def issue_device_certificate(session: Session, master_key: bytes, device: Device,
                             csr_pem: str) -> tuple[str, str]:
    """(device certificate PEM, CA certificate PEM). The subject is the server's choice,
    not the request's: it names the device the token belongs to."""
    public_key = _read_csr(csr_pem)
    ca_cert, ca_key = load(session, master_key)
    cert = _certificate(ca_key, ca_cert.subject, _name(f"InsideOut device {device.id}",
                                                        device.name), public_key, ca=False,
                        days=DEVICE_DAYS)
    session.add(SigningCertificate(serial=f"{cert.serial_number:x}", device_id=device.id,
                                   issued_at=cert.not_valid_before_utc,
                                   not_after=cert.not_valid_after_utc))
    audit.record(session, "signing_cert.issued", actor=f"device:{device.id}",
                 device_id=device.id, serial=str(cert.serial_number))
    pem = serialization.Encoding.PEM
    return cert.public_bytes(pem).decode("ascii"), ca_cert.public_bytes(pem).decode("ascii")


def revoked_certificates(session: Session, now: dt.datetime) -> list[tuple[int, dt.datetime]]:
    """(serial, revoked at) of every unexpired certificate of a revoked device.

    Read from devices.revoked_at at each call rather than written at revocation, so every
    way a device gets revoked is covered and nothing has to be kept in step."""
    rows = session.execute(
        select(SigningCertificate.serial, Device.revoked_at)
        .join(Device, Device.id == SigningCertificate.device_id)
        .where(Device.revoked_at.is_not(None), SigningCertificate.not_after > now)
        .order_by(SigningCertificate.serial))
    return [(int(serial, 16), revoked_at) for serial, revoked_at in rows]


def revocation_list_pem(session: Session, master_key: bytes,
                        now: dt.datetime | None = None) -> str:
    """A CRL signed by the organisation CA: laptops fetch it at sync and keep it, so a plan
    signed by a revoked laptop after its revocation verifies as untrusted, offline too."""
    now = now or dt.datetime.now(dt.UTC)
    ca_cert, ca_key = load(session, master_key)
    builder = (x509.CertificateRevocationListBuilder().issuer_name(ca_cert.subject)
               .last_update(now).next_update(now + dt.timedelta(days=CRL_DAYS)))
    for serial, revoked_at in revoked_certificates(session, now):
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial)
            .revocation_date(revoked_at).build())
    crl = builder.sign(ca_key, hashes.SHA256())
    return crl.public_bytes(serialization.Encoding.PEM).decode("ascii")
