"""Care plan figures: a two-page signed plan PDF (reportlab layout + PAdES signature)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import main
from app.config import resolve_paths
from app.services import careplan, printing
from app.store.keys import KdfParams
from benchmarks.table import Row, median_ms, p95_ms

# The same realistic plan the tests print: four goals, nine interventions, two pages.
from tests.careplan.helpers import add_person, plan_input, signed_inputs

RUNS = 30
BUDGET_MS = 150.0


def _timed(action: object, runs: int = RUNS) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        samples.append(time.perf_counter() - start)
    return samples


def rows() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="insideout-bench-careplan-") as tmp:
        paths = resolve_paths(Path(tmp) / "device").ensure()
        device = main.build_device_service(paths, kdf=KdfParams.fast_for_tests())
        session = device.set_up_standalone(full_name="Jo Bloggs", username="jo",
                                           passphrase="bench kettle custody 42",
                                           confirmation="bench kettle custody 42")
        person_id = add_person(session)
        draft = careplan.save_plan(session=session, person_id=person_id, plan=plan_input())
        person, worker = signed_inputs()
        careplan.sign_version(session=session, version_id=draft.id, person=person,
                              worker=worker)
        first = printing.care_plan_pdf(session=session, version_id=draft.id)  # warm: key made
        whole = _timed(lambda: printing.care_plan_pdf(session=session, version_id=draft.id))
        check = _timed(lambda: printing.verify_pdf(data=first.data, session=session), 10)
        session.close()
    p95 = p95_ms(whole)
    return [
        Row("care plan PDF, 2 pages with signatures: layout + PAdES sign, p95",
            f"{p95:.0f} ms (median {median_ms(whole):.0f} ms, {len(first.data) // 1024} KB)",
            f"{BUDGET_MS:.0f} ms", p95 <= BUDGET_MS),
        Row("verify a signed care plan PDF (pyHanko + record lookup), median",
            f"{median_ms(check):.0f} ms", "—", None),
    ]
