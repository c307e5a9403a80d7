"""The care plan: goals in the person's own words, interventions, review date, signatures.

A plan is kept as numbered versions. A draft may change; once both parties have signed
(or declined, or were unable to sign) the version is frozen, and any later change makes
a new version that supersedes it. The fingerprint is SHA-256 over a canonical JSON form
of exactly what was agreed, so a printed copy can be checked against the record.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from app.domain.errors import InvalidValue

MAX_GOALS = 12
MAX_INTERVENTIONS = 30


class InterventionStatus(StrEnum):
    PLANNED = "planned"
    STARTED = "started"
    DONE = "done"
    STOPPED = "stopped"


class VersionStatus(StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"


class SignerRole(StrEnum):
    PERSON = "person"
    WORKER = "worker"


class SignatureKind(StrEnum):
    SIGNED = "signed"
    DECLINED = "declined"  # chose not to sign: the reason is recorded
    UNABLE = "unable"  # could not sign (injury, intoxication, literacy...): reason recorded


# A stroke is the path of one pen-down..pen-up, as (x, y) points scaled to 0..1 of the pad.
Stroke = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Intervention:
    code: str  # from the catalogue in resources/careplan/interventions.json
    agency: str  # a partner_agencies code: who is responsible
    owner: str  # the named person who will do it
    target_date: date | None = None
    status: InterventionStatus = InterventionStatus.PLANNED
    notes: str = ""


@dataclass(frozen=True)
class CarePlanContent:
    goals: tuple[str, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    review_date: date | None = None


@dataclass(frozen=True)
class Signature:
    role: SignerRole
    kind: SignatureKind
    signer_name: str
    signed_at: str  # ISO 8601 UTC, to the second
    reason: str = ""
    strokes: tuple[Stroke, ...] = ()
    aspect: float = 3.0  # pad width / height, so the drawing keeps its shape when printed


@dataclass(frozen=True)
class CarePlanVersion:
    id: str
    person_id: str
    number: int
    status: VersionStatus
    content: CarePlanContent
    created_by: str = ""
    created_at: str = ""
    supersedes_id: str | None = None
    signed_at: str | None = None
    fingerprint: str = ""
    signatures: tuple[Signature, ...] = field(default=())


def validate_content(content: CarePlanContent, *, intervention_codes: set[str],
                     agency_codes: set[str]) -> dict[str, str]:
    """Problems keyed by field ("goals", "interventions.2.owner", ...); empty when fine."""
    problems: dict[str, str] = {}
    if not any(goal.strip() for goal in content.goals):
        problems["goals"] = "Write at least one goal, in the person's own words."
    if len(content.goals) > MAX_GOALS:
        problems["goals"] = f"Keep to {MAX_GOALS} goals or fewer; join related ones."
    if len(content.interventions) > MAX_INTERVENTIONS:
        problems["interventions"] = f"Keep to {MAX_INTERVENTIONS} interventions or fewer."
    for n, item in enumerate(content.interventions):
        if item.code not in intervention_codes:
            problems[f"interventions.{n}.code"] = "Choose an intervention from the list."
        if item.agency not in agency_codes:
            problems[f"interventions.{n}.agency"] = "Choose the agency responsible."
        if not item.owner.strip():
            problems[f"interventions.{n}.owner"] = "Name the person who will do this."
    return problems


def validate_signature(signature: Signature) -> None:
    if not signature.signer_name.strip():
        raise InvalidValue("The signer's name is missing.", "Type the name of who signed.")
    if signature.kind == SignatureKind.SIGNED and not any(len(s) > 1 for s in signature.strokes):
        raise InvalidValue("The signature pad is empty.",
                           "Ask them to sign in the box, or choose declined / unable to sign.")
    if signature.kind != SignatureKind.SIGNED and not signature.reason.strip():
        raise InvalidValue("A reason is needed when someone does not sign.",
                           "Write why, in a few words.")


# ---- canonical form and fingerprint ----------------------------------------------------
def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def content_to_dict(content: CarePlanContent) -> dict[str, object]:
    return {
        "goals": list(content.goals),
        "interventions": [
            {"code": i.code, "agency": i.agency, "owner": i.owner,
             "target_date": _iso(i.target_date), "status": str(i.status), "notes": i.notes}
            for i in content.interventions],
        "review_date": _iso(content.review_date),
    }


def content_from_dict(data: dict[str, Any]) -> CarePlanContent:
    items = data.get("interventions") or []
    return CarePlanContent(
        goals=tuple(str(g) for g in data.get("goals") or []),
        interventions=tuple(Intervention(
            code=i["code"], agency=i["agency"], owner=i["owner"],
            target_date=date.fromisoformat(i["target_date"]) if i.get("target_date") else None,
            status=InterventionStatus(i.get("status", "planned")), notes=i.get("notes", ""))
            for i in items),
        review_date=(date.fromisoformat(str(data["review_date"]))
                     if data.get("review_date") else None),
    )


def canonical_json(value: object) -> str:
    """One spelling for one meaning: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def signature_to_dict(signature: Signature) -> dict[str, object]:
    return {
        "role": str(signature.role), "kind": str(signature.kind),
        "signer_name": signature.signer_name, "signed_at": signature.signed_at,
        "reason": signature.reason, "aspect": round(signature.aspect, 4),
        "strokes": [[[round(x, 4), round(y, 4)] for x, y in s] for s in signature.strokes],
    }


def fingerprint(*, person_id: str, version_id: str, number: int, content: CarePlanContent,
                signatures: tuple[Signature, ...]) -> str:
    """SHA-256 over what was agreed and who signed it: any change gives another value."""
    ordered = sorted(signatures, key=lambda s: str(s.role))
    document = {
        "kind": "insideout-care-plan", "format": 1, "person_id": person_id,
        "version_id": version_id, "version": number, "content": content_to_dict(content),
        "signatures": [signature_to_dict(s) for s in ordered],
    }
    return hashlib.sha256(canonical_json(document).encode("utf-8")).hexdigest()


def short_fingerprint(full: str) -> str:
    """Groups of four, easy to read aloud over a phone: 'a1b2 c3d4 ...' (first 32 hex)."""
    return " ".join(full[i:i + 4] for i in range(0, 32, 4))
