"""PAdES signatures on printed PDFs with the device's certificate, and checking them.

Standalone devices make their own small CA and a device certificate under it; enrolled
devices hold a certificate the organisation's CA issued at enrolment (see
`make_certificate_request` and `install_issued_certificate`), so a PDF signed on one
laptop verifies on every laptop of the organisation. The private key never leaves the
SQLCipher database.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from app.services.errors import ServiceError
from app.services.session import WorkerSession
from app.store.careplan_models import SigningCredential
from app.store.careplan_repo import SigningCredentialRepository
from app.store.device import DbSession
from app.store.repositories import DeviceMetaRepository

_DER = serialization.Encoding.DER
_FIELD = "InsideOutSignature"
_RESERVED = 12_288  # room for the CMS blob; skips pyHanko's trial signature,
# which would build the whole signature twice
RENEW_WITHIN = dt.timedelta(days=30)
# Organisation certificates last a year now; one made to last longer was issued before the
# server recorded serials, so it could never be revoked: replace it at the next sync.
LONGEST_RECORDED = dt.timedelta(days=400)
_CRL_KEY = "signing_crl"  # DeviceMeta: the newest revocation list, inside the encrypted store
# pyHanko logs a full traceback when a path to a trusted root cannot be built; that is an
# expected answer here ("not from our organisation"), reported in the result instead.
logging.getLogger("pyhanko.sign.validation").setLevel(logging.CRITICAL)


class SigningUnavailable(ServiceError):
    pass


# ---- certificates --------------------------------------------------------------------
def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "InsideOut"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _private_der(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(_DER, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def issue_certificate(*, issuer_key: ec.EllipticCurvePrivateKey, issuer: x509.Name,
                      subject: x509.Name, public_key: ec.EllipticCurvePublicKey, ca: bool,
                      days: int) -> x509.Certificate:
    """One X.509 certificate: a CA (may sign certificates) or a document signer."""
    now = dt.datetime.now(dt.UTC)
    usage = x509.KeyUsage(digital_signature=not ca, content_commitment=not ca,
                          key_encipherment=False, data_encipherment=False, key_agreement=False,
                          key_cert_sign=ca, crl_sign=ca, encipher_only=False,
                          decipher_only=False)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
               .public_key(public_key).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(minutes=10))
               .not_valid_after(now + dt.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None),
                              critical=True)
               .add_extension(usage, critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key),
                              critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   issuer_key.public_key()), critical=False))
    return builder.sign(issuer_key, hashes.SHA256())


def _standalone_credential(repo: SigningCredentialRepository, device_id: str) -> None:
    """A device CA used once to certify this device's key; the CA key is then thrown away."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(f"InsideOut standalone device CA {device_id[:8]}")
    ca_cert = issue_certificate(issuer_key=ca_key, issuer=ca_name, subject=ca_name,
                                public_key=ca_key.public_key(), ca=True, days=3650 * 3)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = issue_certificate(issuer_key=ca_key, issuer=ca_name,
                             subject=_name(f"InsideOut device {device_id[:8]}"),
                             public_key=key.public_key(), ca=False, days=3650 * 3)
    repo.add(source="standalone", key_der=_private_der(key), cert_der=cert.public_bytes(_DER),
             ca_der=ca_cert.public_bytes(_DER), active=True)


def ensure_credential(db: DbSession, device_id: str) -> SigningCredential:
    repo = SigningCredentialRepository(db)
    if repo.active() is None:
        _standalone_credential(repo, device_id)
    found = repo.active()
    assert found is not None
    return found


def make_certificate_request(*, session: WorkerSession) -> str:
    """For enrolment: a new key kept (pending) in the store, and a CSR (PEM) for the server."""
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(_name(f"InsideOut device {session.device_id}"))
           .sign(key, hashes.SHA256()))
    with session.transaction() as db:
        SigningCredentialRepository(db).add(source="pending", key_der=_private_der(key))
    return csr.public_bytes(serialization.Encoding.PEM).decode("ascii")


def install_issued_certificate(*, session: WorkerSession, certificate_pem: str,
                               ca_pem: str) -> None:
    """For enrolment: the certificate the organisation CA issued for the pending key."""
    cert = x509.load_pem_x509_certificate(certificate_pem.encode())
    ca = x509.load_pem_x509_certificate(ca_pem.encode())
    cert.verify_directly_issued_by(ca)  # raises if the server sent a mismatched pair
    with session.transaction() as db:
        repo = SigningCredentialRepository(db)
        pending = repo.pending()
        if pending is None:
            raise SigningUnavailable("No certificate request is waiting on this device.")
        key = serialization.load_der_private_key(pending.key_der, None)
        if key.public_key().public_bytes(_DER, serialization.PublicFormat.SubjectPublicKeyInfo) \
                != cert.public_key().public_bytes(_DER,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo):
            raise SigningUnavailable("The issued certificate is for another key.")
        repo.activate(pending, source="organisation", cert_der=cert.public_bytes(_DER),
                      ca_der=ca.public_bytes(_DER))


def needs_renewal(certificate_der: bytes, now: dt.datetime) -> bool:
    cert = x509.load_der_x509_certificate(certificate_der)
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    return cert.not_valid_after_utc - now < RENEW_WITHIN or lifetime > LONGEST_RECORDED


def renew_if_expiring(*, session: WorkerSession, issue: Callable[[str], Mapping[str, str]],
                      now: dt.datetime | None = None) -> bool:
    """At sync: a new organisation certificate when under 30 days are left (or the old one
    predates recorded serials). `issue` is the transport's `signing_certificate`. Returns
    whether it renewed; a network failure leaves the old certificate in use."""
    with session.transaction() as db:
        active = SigningCredentialRepository(db).active()
        current = active.cert_der if active and active.source == "organisation" else None
    if current is None or not needs_renewal(current, now or dt.datetime.now(dt.UTC)):
        return False
    issued = issue(make_certificate_request(session=session))
    install_issued_certificate(session=session, certificate_pem=issued["certificate"],
                               ca_pem=issued["ca_certificate"])
    return True


def keep_revocation_list(*, session: WorkerSession, crl_pem: str) -> bool:
    """At sync: keep the organisation's list of revoked certificates in the encrypted store,
    if the organisation CA signed it and it is newer than the one kept (an older list
    replayed would un-revoke). Returns whether it was kept."""
    crl = x509.load_pem_x509_crl(crl_pem.encode("ascii"))
    with session.transaction() as db:
        if not _signed_by_a_trusted_root(crl, SigningCredentialRepository(db).trusted_roots()):
            raise SigningUnavailable("The server's revocation list is not signed by this "
                                     "organisation's certificate authority.")
        meta = DeviceMetaRepository(db)
        kept = meta.get(_CRL_KEY)
        if kept and x509.load_pem_x509_crl(kept.encode()).last_update_utc >= crl.last_update_utc:
            return False
        meta.put(_CRL_KEY, crl_pem)
    return True


def _signed_by_a_trusted_root(crl: x509.CertificateRevocationList, roots: list[bytes]) -> bool:
    for der in roots:
        root = x509.load_der_x509_certificate(der)
        public_key = root.public_key()
        if root.subject == crl.issuer and isinstance(public_key, ec.EllipticCurvePublicKey) \
                and crl.is_signature_valid(public_key):
            return True
    return False


# ---- signing and checking PDFs -------------------------------------------------------
def sign_pdf(db: DbSession, device_id: str, data: bytes, *, reason: str) -> bytes:
    """The PDF with a PAdES signature over every byte of it."""
    found = ensure_credential(db, device_id)
    assert found.cert_der is not None and found.ca_der is not None
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(found.cert_der),
        signing_key=asn1_keys.PrivateKeyInfo.load(found.key_der),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(found.ca_der)]))
    meta = signers.PdfSignatureMetadata(field_name=_FIELD, reason=reason,
                                        subfilter=fields.SigSeedSubFilter.PADES)
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), meta, signer=signer,
                           bytes_reserved=_RESERVED)
    return out.getvalue()


@dataclass(frozen=True)
class SignatureCheck:
    signed: bool  # a digital signature is there at all
    intact: bool  # the signed bytes are unchanged and nothing was added after signing
    trusted: bool  # the signer chains to a CA this device trusts, and was not revoked then
    signer: str = ""
    signed_at: str = ""
    problem: str = ""
    revoked_at: str = ""  # signed after its laptop was revoked at this UTC time ("" if not)

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.trusted


@dataclass(frozen=True)
class TrustAnchors:
    """What this device trusts: the CA roots, less the organisation's revoked certificates
    (issuer name DER, serial) -> when the device was revoked."""

    roots: list[bytes]
    revoked: dict[tuple[bytes, int], dt.datetime] = field(default_factory=dict)


def check_signature(data: bytes, trust: TrustAnchors | list[bytes], *,
                    now: dt.datetime | None = None) -> SignatureCheck:
    anchors = trust if isinstance(trust, TrustAnchors) else TrustAnchors(list(trust))
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = reader.embedded_signatures
    except Exception as error:  # a damaged file is an answer, not a crash
        return SignatureCheck(False, False, False, problem=f"not a readable PDF ({error})")
    if not embedded:
        return SignatureCheck(False, False, False, problem="the PDF carries no signature")
    signature = embedded[-1]
    claimed = _claimed_time(signature.self_reported_timestamp, now)
    # Checked as at the time the plan says it was signed, not today: certificates last a
    # year, and a plan signed while its certificate was valid stays good after it lapses.
    context = ValidationContext(trust_roots=[asn1_x509.Certificate.load(r)
                                             for r in anchors.roots], allow_fetching=False,
                                moment=claimed)
    status = validate_pdf_signature(signature, context)
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    intact = bool(status.intact and status.valid and whole)
    problem = "" if intact else ("the file was changed after it was signed" if status.intact
                                 else "the signed content was altered")
    when = status.signer_reported_dt.isoformat(timespec="seconds") \
        if status.signer_reported_dt else ""
    cert = status.signing_cert
    revoked = anchors.revoked.get((cert.issuer.dump(), cert.serial_number))
    # The signing time is the laptop's own claim; one revoked for theft may lie about it.
    # Without a time-stamping authority, a plan it dates after the revocation is refused.
    after_revocation = revoked is not None and claimed >= revoked
    if after_revocation and intact:
        problem = f"signed after IT revoked that laptop ({revoked:%Y-%m-%d %H:%M} UTC)"
    return SignatureCheck(True, intact, bool(status.trusted) and not after_revocation,
                          cert.subject.human_friendly, when, problem,
                          f"{revoked:%Y-%m-%d %H:%M}" if after_revocation else "")


def _claimed_time(reported: dt.datetime | None, now: dt.datetime | None) -> dt.datetime:
    """The signer's stated time, never later than now (a clock set ahead gains nothing)."""
    now = now or dt.datetime.now(dt.UTC)
    return min(reported, now) if reported is not None else now


def trusted_roots(db: DbSession) -> TrustAnchors:
    """The roots this device trusts and the organisation's revoked certificates, as kept at
    the last sync (an older list offline is better than none)."""
    roots = SigningCredentialRepository(db).trusted_roots()
    kept = DeviceMetaRepository(db).get(_CRL_KEY)
    if not kept:
        return TrustAnchors(roots)
    crl = x509.load_pem_x509_crl(kept.encode("ascii"))
    issuer = crl.issuer.public_bytes()
    return TrustAnchors(roots, {(issuer, entry.serial_number): entry.revocation_date_utc
                                for entry in crl})
