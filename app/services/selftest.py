"""`main.py self-test`: prove on this machine that the encrypted store really works.

It builds a throwaway device in a temporary folder, writes, locks, unlocks, reads back,
checks the file is encrypted and contains none of what was written, and verifies the
audit chain. IT runs it after installing; the frozen installer build runs it too.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.services import careplan, people, printing
from app.services.careplan import CarePlanInput, InterventionInput, SignatureInput
from app.services.caseload import search_people
from app.services.device import DeviceService
from app.services.reference import ReferenceData
from app.services.session import WorkerSession, lock, verify_audit_trail
from app.services.views import PersonInput
from app.store.device import DeviceFiles, DeviceStore
from app.store.engine import is_plaintext_sqlite
from app.store.keys import KdfParams
from app.store.throttle import SignInThrottle


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""


def run_self_test(reference: ReferenceData,
                  report: Callable[[Check], None] = lambda _check: None) -> list[Check]:
    with tempfile.TemporaryDirectory(prefix="insideout-selftest-") as tmp:
        checks = list(_checks(Path(tmp), reference, report))
    return checks


def _checks(folder: Path, reference: ReferenceData,
            report: Callable[[Check], None]) -> list[Check]:
    checks: list[Check] = []

    def record(name: str, ok: bool, detail: str = "") -> None:
        checks.append(Check(name, ok, detail))
        report(checks[-1])

    device = DeviceService(
        store=DeviceStore(DeviceFiles(folder / "selftest.db", folder / "keywraps.json")),
        throttle=SignInThrottle(folder / "throttle.json"), kdf=KdfParams(), reference=reference,
    )
    marker = f"Selftest{secrets.token_hex(6)}"
    passphrase = secrets.token_urlsafe(18)
    session = device.set_up_standalone(full_name="Self Test", username="selftest",
                                       passphrase=passphrase, confirmation=passphrase)
    people.create_person(session=session,
                         person=PersonInput(given_name=marker, family_name="Check"))
    lock(session=session)
    database = (folder / "selftest.db").read_bytes()
    record("database file is encrypted", not is_plaintext_sqlite(folder / "selftest.db"))
    record("written text is not readable on disk", marker.encode() not in database)
    session = device.sign_in(username="selftest", passphrase=passphrase)
    found = search_people(session=session, text=marker)
    record("data reads back after unlock", [p.given_name for p in found] == [marker])
    _pdf_checks(session, found[0].id if found else "", record)
    verification = verify_audit_trail(session=session)
    record("audit chain verifies", verification.ok,
           f"{verification.entries_checked} entries; " + "; ".join(verification.problems))
    lock(session=session)
    return checks


def _pdf_checks(session: WorkerSession, person_id: str,
                record: Callable[..., None]) -> None:
    """A small care plan is built, signed (PAdES), verified, and a changed copy fails."""
    try:
        draft = careplan.save_plan(session=session, person_id=person_id, plan=CarePlanInput(
            goals=("Self-test goal",), interventions=(InterventionInput(
                "harm_reduction_naloxone", "treatment_provider", "Self Test"),)))
        signature = SignatureInput(strokes=(((0.1, 0.5), (0.9, 0.5)),))
        careplan.sign_version(session=session, version_id=draft.id, person=signature,
                              worker=signature)
        data = printing.care_plan_pdf(session=session, version_id=draft.id).data
    except Exception as error:  # the report must say what broke, not crash the self-test
        record("care plan PDF is built and signed", False, f"{type(error).__name__}: {error}")
        return
    result = printing.verify_pdf(data=data, session=session)
    record("care plan PDF is built, signed and verifies", result.ok and result.is_current,
           f"{len(data)} bytes")
    changed = bytearray(data)
    changed[len(data) // 3] ^= 0x01
    tampered = printing.verify_pdf(data=bytes(changed), session=session)
    record("a changed PDF fails verification", not tampered.check.intact)
