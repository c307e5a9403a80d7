"""Device signing certificates from the organisation CA (for signed care plan PDFs)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, StringConstraints

from sync import protocol as p
from sync.server import ca
from sync.server.api import schemas as s
from sync.server.api.deps import Db, DeviceCaller, MasterKey

SIGNING_CERT_PATH = p.SIGNING_CERT_PATH  # under API_PREFIX, shared with the client
SIGNING_CA_PATH = p.SIGNING_CA_PATH
# Not in sync/protocol.py yet (another engineer's file); move it there with the client's
# transport method.
SIGNING_CRL_PATH = p.SIGNING_CRL_PATH

router = APIRouter(tags=["certificates"])


class CertificateRequest(s.Request):
    csr: Annotated[str, StringConstraints(min_length=1, max_length=8000)]


class IssuedCertificate(BaseModel):
    certificate: str  # PEM
    ca_certificate: str  # PEM: the root every device of the organisation trusts


class CaCertificate(BaseModel):
    ca_certificate: str


class RevocationList(BaseModel):
    crl: str  # PEM X.509 CRL signed by the organisation CA


@router.post(SIGNING_CERT_PATH, response_model=IssuedCertificate,
             responses={401: {"model": s.ErrorBody}, 403: {"model": s.ErrorBody}})
def issue_signing_certificate(body: CertificateRequest, db: Db, caller: DeviceCaller,
                              key: MasterKey) -> IssuedCertificate:
    """Certify this device's PDF signing key (sent as a CSR; the key never leaves it)."""
    cert, root = ca.issue_device_certificate(db, key, caller.device, body.csr)
    return IssuedCertificate(certificate=cert, ca_certificate=root)


@router.get(SIGNING_CA_PATH, response_model=CaCertificate,
            responses={401: {"model": s.ErrorBody}, 403: {"model": s.ErrorBody}})
def signing_ca(db: Db, caller: DeviceCaller, key: MasterKey) -> CaCertificate:
    """The organisation's CA certificate, so a device can trust plans signed elsewhere."""
    del caller  # enrolled devices only
    return CaCertificate(ca_certificate=ca.ca_certificate_pem(db, key))


@router.get(SIGNING_CRL_PATH, response_model=RevocationList,
            responses={401: {"model": s.ErrorBody}, 403: {"model": s.ErrorBody}})
def signing_revocations(db: Db, caller: DeviceCaller, key: MasterKey) -> RevocationList:
    """Certificates of revoked devices, so laptops stop trusting plans they sign later."""
    del caller  # enrolled devices only
    return RevocationList(crl=ca.revocation_list_pem(db, key))
