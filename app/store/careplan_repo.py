"""Care plan rows <-> domain versions; the guard that keeps signed versions frozen."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.careplan import (
    CarePlanContent,
    CarePlanVersion,
    Signature,
    SignatureKind,
    SignerRole,
    VersionStatus,
    canonical_json,
    content_from_dict,
    content_to_dict,
)
from app.store.careplan_models import CarePlanSignature, SigningCredential
from app.store.careplan_models import CarePlanVersion as VersionRow
from app.store.identity import WriteContext, stamp_edit, stamp_new
from app.store.repositories import utc_now


class FrozenVersionError(Exception):
    """Someone tried to change a signed care plan version. Make a new version instead."""

    def __init__(self, version_id: str) -> None:
        super().__init__(f"care plan version {version_id} is signed and cannot be changed")
        self.version_id = version_id


def _signature(row: CarePlanSignature) -> Signature:
    strokes = tuple(tuple((float(x), float(y)) for x, y in s) for s in json.loads(row.strokes_json))
    return Signature(SignerRole(row.role), SignatureKind(row.kind), row.signer_name,
                     row.signed_at, row.reason, strokes, float(row.aspect))


class CarePlanRepository:
    def __init__(self, session: Session, ctx: WriteContext | None = None,
                 worker_name: str = "") -> None:
        self._session = session
        self._ctx = ctx
        self._worker_name = worker_name

    # ---- reading --------------------------------------------------------------------
    def _to_domain(self, row: VersionRow) -> CarePlanVersion:
        signatures = self._session.scalars(select(CarePlanSignature).where(
            CarePlanSignature.version_id == row.id).order_by(CarePlanSignature.role))
        return CarePlanVersion(
            id=row.id, person_id=row.person_id, number=row.number,
            status=VersionStatus(row.status),
            content=content_from_dict(json.loads(row.content_json)),
            created_by=row.created_by_name, created_at=row.created_at,
            supersedes_id=row.supersedes_id, signed_at=row.signed_at,
            fingerprint=row.fingerprint, signatures=tuple(_signature(s) for s in signatures))

    def get(self, version_id: str) -> CarePlanVersion:
        row = self._session.get(VersionRow, version_id)
        if row is None or row.deleted:
            raise KeyError(version_id)
        return self._to_domain(row)

    def versions(self, person_id: str) -> list[CarePlanVersion]:
        """Every version, oldest first: the history shows them all."""
        rows = self._session.scalars(select(VersionRow).where(
            VersionRow.person_id == person_id, VersionRow.deleted.is_(False))
            .order_by(VersionRow.number))
        return [self._to_domain(r) for r in rows]

    def signed_with_fingerprint(self, prefix: str, limit: int = 5) -> list[CarePlanVersion]:
        """Signed versions whose fingerprint starts with `prefix` (lower-case hex): a
        paper copy prints only the first groups of it."""
        rows = self._session.scalars(select(VersionRow).where(
            VersionRow.fingerprint.startswith(prefix, autoescape=True),
            VersionRow.deleted.is_(False)).limit(limit))
        return [self._to_domain(r) for r in rows]

    def latest(self, person_id: str) -> CarePlanVersion | None:
        row = self._session.scalar(select(VersionRow).where(
            VersionRow.person_id == person_id, VersionRow.deleted.is_(False))
            .order_by(VersionRow.number.desc(), VersionRow.updated_hlc.desc()).limit(1))
        return self._to_domain(row) if row is not None else None

    # ---- writing --------------------------------------------------------------------
    def add_version(self, person_id: str, content: CarePlanContent,
                    supersedes_id: str | None = None) -> CarePlanVersion:
        assert self._ctx is not None
        highest = self._session.scalar(select(func.max(VersionRow.number)).where(
            VersionRow.person_id == person_id)) or 0
        row = VersionRow(person_id=person_id, number=highest + 1,
                         content_json=canonical_json(content_to_dict(content)),
                         status=str(VersionStatus.DRAFT), supersedes_id=supersedes_id,
                         created_by_name=self._worker_name, created_at=utc_now(),
                         signed_at=None, fingerprint="")
        stamp_new(row, self._ctx)
        self._session.add(row)
        self._session.flush()
        return self._to_domain(row)

    def _draft_row(self, version_id: str) -> VersionRow:
        row = self._session.get(VersionRow, version_id)
        if row is None or row.deleted:
            raise KeyError(version_id)
        if row.status != VersionStatus.DRAFT:
            raise FrozenVersionError(version_id)
        return row

    def update_draft(self, version_id: str, content: CarePlanContent) -> CarePlanVersion:
        assert self._ctx is not None
        row = self._draft_row(version_id)
        text = canonical_json(content_to_dict(content))
        if text != row.content_json:
            row.content_json = text
            stamp_edit(row, self._ctx)
            self._session.flush()
        return self._to_domain(row)

    def freeze(self, version_id: str, signatures: tuple[Signature, ...], *, signed_at: str,
               fingerprint: str) -> CarePlanVersion:
        """Add both signatures and mark the version signed, in the caller's transaction."""
        assert self._ctx is not None
        row = self._draft_row(version_id)
        for signature in signatures:
            self._add_signature(row.person_id, version_id, signature)
        row.status, row.signed_at = str(VersionStatus.SIGNED), signed_at
        row.fingerprint = fingerprint
        stamp_edit(row, self._ctx)
        self._session.flush()
        return self._to_domain(row)

    def _add_signature(self, person_id: str, version_id: str, signature: Signature) -> None:
        assert self._ctx is not None
        strokes = [[[x, y] for x, y in stroke] for stroke in signature.strokes]
        row = CarePlanSignature(
            version_id=version_id, person_id=person_id, role=str(signature.role),
            kind=str(signature.kind),
            reason=signature.reason, strokes_json=json.dumps(strokes),
            aspect=f"{signature.aspect:.4f}", signer_name=signature.signer_name,
            signed_at=signature.signed_at)
        stamp_new(row, self._ctx, append_only=True)
        self._session.add(row)


class SigningCredentialRepository:
    """The device's PDF signing key and certificates, inside the encrypted store."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def active(self) -> SigningCredential | None:
        return self._session.scalar(select(SigningCredential).where(
            SigningCredential.active.is_(True)).limit(1))

    def pending(self) -> SigningCredential | None:
        return self._session.scalar(select(SigningCredential).where(
            SigningCredential.source == "pending").order_by(
            SigningCredential.created_at.desc()).limit(1))

    def add(self, *, source: str, key_der: bytes, cert_der: bytes | None = None,
            ca_der: bytes | None = None, active: bool = False) -> SigningCredential:
        if active:
            self._deactivate_all()
        row = SigningCredential(source=source, key_der=key_der, cert_der=cert_der,
                                ca_der=ca_der, created_at=utc_now(), active=active)
        self._session.add(row)
        self._session.flush()
        return row

    def activate(self, row: SigningCredential, *, source: str, cert_der: bytes,
                 ca_der: bytes) -> None:
        self._deactivate_all()
        row.source, row.cert_der, row.ca_der, row.active = source, cert_der, ca_der, True
        self._session.flush()

    def trusted_roots(self) -> list[bytes]:
        """Every CA this device has held: plans it signed before enrolment still verify."""
        rows = self._session.scalars(select(SigningCredential.ca_der).where(
            SigningCredential.ca_der.is_not(None)))
        return sorted(set(rows))

    def _deactivate_all(self) -> None:
        for row in self._session.scalars(select(SigningCredential).where(
                SigningCredential.active.is_(True))):
            row.active = False
