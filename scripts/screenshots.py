"""Render the main screens with sample people to PNG files, to look at them.

    .venv/bin/python scripts/screenshots.py OUT_DIR

Runs offscreen against a throwaway data folder; nothing real is touched.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication

import main
from app.config import Settings, resolve_paths
from app.services import assessment, people
from app.services.session import WorkerSession
from app.services.views import PersonInput
from app.store.keys import KdfParams
from app.ui.application import configure
from app.ui.controller import AppController

PASSPHRASE = "screenshot kettle 42"


def _sample_people(session: WorkerSession) -> str:
    darren = people.create_person(session=session, person=PersonInput(
        given_name="Darren", family_name="Smith", date_of_birth="23/11/1984", sex="1",
        pnc_id="2001/0000001Q", prison_number="A1234BC", aliases=(("Dazza", "nickname"),),
        home_district="colchester"))
    assessment.save_section(session=session, person_id=darren.id, section="housing",
                            typed={"accommodation_need": "1", "housing_notes": "In a tent"})
    assessment.record_contact(session=session, person_id=darren.id, setting="custody")
    assessment.save_sections(session=session, person_id=darren.id, typed={
        "substances": {"drug1": "heroin", "drug1_route": "4", "drug1_frequency": "5",
                       "alcohol_drinking_days": "4"},
        "risk": {"overdose_risk": "high", "self_harm_risk": "low",
                 "harm_to_others_risk": "low", "risk_to_staff": "none"},
        "housing": {"accommodation_need": "2"}})
    young = date.today().year - 16
    kai = people.create_person(session=session, person=PersonInput(
        given_name="Kai", family_name="Brown", date_of_birth=f"04/05/{young}", sex="1",
        home_district="southend"))
    assessment.record_contact(session=session, person_id=kai.id, setting="court")
    people.create_person(session=session, person=PersonInput(
        given_name="Michelle", family_name="O'Neill", date_of_birth="01/02/1979", sex="2",
        nhs_number="943 476 5919"))
    return darren.id


def main_(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    configure(app, "0.1.0")
    paths = resolve_paths(tempfile.mkdtemp(prefix="insideout-shots-"))
    device = main.build_device_service(paths, kdf=KdfParams.fast_for_tests())
    session = device.set_up_standalone(full_name="Jo Bloggs", username="jo",
                                       passphrase=PASSPHRASE, confirmation=PASSPHRASE)
    darren = _sample_people(session)
    ctrl = AppController(device=device, settings=Settings(), version="0.1.0")
    ctrl._open_main(session)
    window = ctrl.main_window
    window.show()
    app.processEvents()
    window.grab().save(str(out / "caseload.png"))
    view = window.open_person(darren)
    view.open_section("substances")
    app.processEvents()
    window.grab().save(str(out / "person.png"))
    window.open_triage(darren)
    app.processEvents()
    window.grab().save(str(out / "triage.png"))
    window.show_new_person()
    form = window.new_person_form
    form.edits["given_name"].setText("Daren")
    form.edits["family_name"].setText("Smyth")
    form.edits["date_of_birth"].setText("23/11/1984")
    form.refresh_matches()
    app.processEvents()
    window.grab().save(str(out / "new-person-matches.png"))
    ctrl.shutdown()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main_(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots"))
