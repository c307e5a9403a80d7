"""What a push leaves in the server's audit trail: attempts it refused because someone
tried what they may not, and the consents it recorded (they decide what partners see).
Each accepted change is traced in the ledger itself (sync_changes: whose, to what)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server.services import audit, registry
from sync.server.services.auth import SyncDevice

# Refusals that say someone tried what they may not (not a malformed or early change):
# each is a server audit event, up to this many per push, then one event with the rest.
AUDITED_CODES = frozenset({403})
AUDITED_PER_PUSH = 20


def refusals(session: Session, device: SyncDevice, live: list[tuple[int, p.Change]],
                    results: list[p.ChangeResult | None], aimed_at: dict[str, str]) -> None:
    refused = [(change, result) for i, change in live
               if (result := results[i]) is not None and result["status"] == "refused"
               and result["code"] in AUDITED_CODES]
    for change, result in refused[:AUDITED_PER_PUSH]:
        audit.record(session, "sync.change_refused", actor=f"device:{device.id}",
                     device_id=device.id, worker_id=change["worker_id"][:36],
                     person_id=aimed_at.get(change["change_id"], change["person_id"]),
                     pushed_for=change["person_id"], table=change["table"],
                     row_id=change["row_id"][:36], reason=result["message"])
    if len(refused) > AUDITED_PER_PUSH:
        audit.record(session, "sync.changes_refused", actor=f"device:{device.id}",
                     device_id=device.id, more=len(refused) - AUDITED_PER_PUSH)


def consents(session: Session, device: SyncDevice, live: list[tuple[int, p.Change]],
                    results: list[p.ChangeResult | None]) -> None:
    """Consent decides what partners may see: each one a push records or withdraws is a
    server audit event, naming the worker whose credential the push carried, as the
    REST path's is."""
    for i, change in live:
        result = results[i]
        if change["table"] != "consents" or result is None or result["status"] not in (
                "applied", "merged"):
            continue
        fields = change["fields"]
        registry.audit_consent(session, actor=f"worker:{change['worker_id']}",
                               worker_id=change["worker_id"], device_id=device.id,
                               person_id=change["person_id"], agency=fields.get("agency"),
                               granted=registry.consent_granted(fields), via="sync")
