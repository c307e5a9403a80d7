"""Render the main screens with sample people to PNG files, to look at them.

    .venv/bin/python scripts/screenshots.py OUT_DIR
    xvfb-run -a -s "-screen 0 1366x768x24" env QT_QPA_PLATFORM=xcb \
        .venv/bin/python scripts/screenshots.py OUT_DIR   # a real X server and fonts

Each screen at 1366x768 and 1280x720. Runs against a throwaway data folder; nothing real
is touched.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QWidget

import main
from app.config import Settings, resolve_paths
from app.domain.journey.kinds import Kind, Setting
from app.domain.keywork import SessionType
from app.domain.outcomes.top import Crime, Days, FormKind, Rating, Substance, TopForm
from app.domain.referrals import ReferralService
from app.services import (
    appointments,
    assessment,
    careplan,
    handover,
    journey,
    keywork,
    outcomes,
    people,
    referrals,
)
from app.services.appointments import Booking
from app.services.caseload import caseload
from app.services.handover_printing import handover_pdf
from app.services.journey import EventInput
from app.services.session import WorkerSession
from app.services.views import PersonInput
from app.store.keys import KdfParams
from app.store.sync.models import SyncState
from app.store.sync.store import EncryptedSyncStore
from app.ui.application import configure
from app.ui.controller import AppController
from app.ui.journey_tab import JourneyTab
from app.ui.main_window import MainWindow
from sync import protocol as p
from tests.careplan.helpers import plan_input, signed_inputs
from tests.services.test_set_aside import page, row

PASSPHRASE = "screenshot kettle 42"


def _sample_journey(session: WorkerSession, person_id: str) -> None:
    """Arrested, tested positive, missed the assessment, remanded, released ten days ago."""
    today = date.today()

    def add(kind: Kind, days_ago: int, place: str = "", supersedes: str | None = None,
            **details: object) -> str:
        return journey.record_event(session=session, person_id=person_id, typed=EventInput(
            kind, today - timedelta(days=days_ago), place, details, supersedes)).id  # type: ignore[arg-type]

    add(Kind.ARREST, 60, "Colchester custody suite", offence="Shoplifting (theft from a shop)",
        custody_record="42/12345/26", trigger_offence=True)
    add(Kind.DRUG_TEST, 60, "Colchester custody suite", opiates="positive", cocaine="positive")
    add(Kind.RA_NOTICE, 60, "Colchester hub, 1 Market Street", notice="RA1",
        appointment_on=(today - timedelta(days=57)).isoformat(), appointment_at="10:00",
        assessor="Sam Reid")
    add(Kind.RA_FAILED_TO_ATTEND, 57, stage="initial")
    add(Kind.COURT_HEARING, 50, "Colchester Magistrates' Court", outcome="remanded")
    wrong = add(Kind.PRISON_RECEPTION, 50, "HMP/YOI Norwich")
    add(Kind.PRISON_RECEPTION, 50, "HMP/YOI Chelmsford", supersedes=wrong)
    add(Kind.RELEASE, 10, "HMP/YOI Chelmsford", address="12 High Street, Colchester",
        met_by="Sam Reid (key worker)")
    add(Kind.PRESCRIBED, 10, medicine="Methadone oral solution 1 mg/ml", daily_dose="60 mg",
        prescriber="Dr A Okafor", pharmacy="Boots, Culver Street")
    add(Kind.APPOINTMENT, -3, "Colchester hub", outcome="booked", with_whom="Sam Reid")
    # An earlier episode, closed, and the one begun at the gate.
    add(Kind.REFERRAL_RECEIVED, 400, "Open Road Colchester", source="63")
    add(Kind.DISCHARGE, 300, reason="dropped_out")
    add(Kind.REFERRAL_RECEIVED, 10, "Open Road Colchester", source="65")
    add(Kind.TRIAGE_DONE, 9, "Colchester hub")
    add(Kind.INTERVENTION_STARTED, 9, "Colchester hub", intervention_setting="community",
        intervention_type="pharmacological")


def _sample_work(session: WorkerSession, person_id: str) -> None:
    """A missed outcome, a booking this afternoon, an unanswered referral, a session."""
    today = date.today()
    appointments.book(session=session, person_id=person_id, booking=Booking(
        today - timedelta(days=4), clock(10, 0), "Colchester hub", "Sam Reid", "Script review"))
    appointments.book(session=session, person_id=person_id, booking=Booking(
        today, clock(14, 30), "Colchester hub", "Jo Bloggs", "Key work"))
    referrals.refer(session=session, person_id=person_id, service=ReferralService.GP,
                    reason="Not registered with a GP since release; needs a script review",
                    partner_contact="Castle Surgery", today=today - timedelta(days=20))
    keywork.record(session=session, person_id=person_id, typed=keywork.SessionInput(
        today - timedelta(days=2), Setting.COMMUNITY, 45, SessionType.ONE_TO_ONE,
        "Talked about the first week out: where he sleeps, when he collects."))


def _sample_people(session: WorkerSession) -> str:
    darren = people.create_person(session=session, person=PersonInput(
        given_name="Darren", family_name="Smith", date_of_birth="23/11/1984", sex="1",
        pnc_id="2001/0000001Q", prison_number="A1234BC", aliases=(("Dazza", "nickname"),),
        home_district="colchester"))
    _sample_journey(session, darren.id)
    _sample_work(session, darren.id)
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


TEAMS = [{"team_id": "7b0f0d0e-0000-4000-8000-000000000001", "name": "Harlow custody",
          "agency": "police"},
         {"team_id": "7b0f0d0e-0000-4000-8000-000000000002", "name": "Harlow community",
          "agency": "treatment_provider"},
         {"team_id": "7b0f0d0e-0000-4000-8000-000000000003", "name": "HMP Chelmsford in-reach",
          "agency": "prison"}]


def _sample_handovers(session: WorkerSession) -> str:
    """This laptop in the custody team; Michelle handed to the community team (waiting to
    be sent), and Kai handed to us by the prison three working days ago (overdue)."""
    with session.transaction() as db:
        db.merge(SyncState(key="team_id", value=TEAMS[0]["team_id"]))
        db.merge(SyncState(key="team_name", value=TEAMS[0]["name"]))
        db.merge(SyncState(key="teams", value=json.dumps(TEAMS)))
    found = {s.given_name: s.id for s in caseload(session=session)}
    journey.record_event(session=session, person_id=found["Michelle"], typed=EventInput(
        Kind.PRESCRIBED, date.today() - timedelta(days=20), "", {
            "medicine": "Buprenorphine 8 mg tablets", "daily_dose": "16 mg",
            "prescriber": "Dr Shah", "pharmacy": "Boots, Harlow"}))
    handover.request_handover(session=session, person_id=found["Michelle"], reason="release",
                              to_team_id=TEAMS[1]["team_id"],
                              note="Released Friday to her mum's; needs a script that day")
    late = date.today() - timedelta(days=3)
    EncryptedSyncStore(session.open_store).apply_page(page([row(
        p.HANDOVERS_TABLE, found["Kai"], {
            "from_team_id": TEAMS[2]["team_id"], "from_team_name": TEAMS[2]["name"],
            "to_team_id": TEAMS[0]["team_id"], "to_team_name": TEAMS[0]["name"],
            "reason": "transfer", "note": "", "requested_by": "Sam Patel",
            "opened_at": f"{late - timedelta(days=3)}T09:00:00+00:00",
            "accept_by": late.isoformat(), "accepted_at": None, "accepted_by": None,
            "state": "open"})], 10))
    return found["Michelle"]


def _sample_outcomes(session: WorkerSession) -> str:
    """Lee, in treatment since last year: four TOP forms with less use and a better life,
    cannabis not asked at one review, arrested and in prison between two of them, and a
    care plan signed today. Made after the other screens, which do not show him."""
    lee = people.create_person(session=session, person=PersonInput(
        given_name="Lee", family_name="Turner", date_of_birth="14/07/1990", sex="1",
        home_district="harlow")).id
    today = date.today()

    def add(kind: Kind, days_ago: int, place: str = "", **details: object) -> None:
        journey.record_event(session=session, person_id=lee, typed=EventInput(
            kind, today - timedelta(days=days_ago), place, details))  # type: ignore[arg-type]

    add(Kind.REFERRAL_RECEIVED, 300, "Open Road Harlow", source="63")
    add(Kind.TRIAGE_DONE, 298, "Harlow hub")
    add(Kind.ARREST, 170, "Harlow custody suite", offence="Shoplifting", trigger_offence=True)
    add(Kind.COURT_HEARING, 165, "Harlow Magistrates' Court", outcome="remanded")
    add(Kind.PRISON_RECEPTION, 165, "HMP/YOI Chelmsford")
    add(Kind.RELEASE, 120, "HMP/YOI Chelmsford", address="Harlow")
    for days_ago, kind, use, crime, ratings, work in (
            (296, FormKind.START, {Substance.ALCOHOL: Days((4, 4, 5, 4)),
                                   Substance.OPIATES: Days(total_given=26),
                                   Substance.CRACK: Days((3, 4, 2, 3)),
                                   Substance.CANNABIS: Days(total_given=20)},
             {Crime.SHOPLIFTING: 10, Crime.DRUG_SELLING: 2}, (5, 7, 4), 0),
            (210, FormKind.REVIEW, {Substance.ALCOHOL: Days(total_given=10),
                                    Substance.OPIATES: Days(total_given=14),
                                    Substance.CRACK: Days(total_given=6)},
             {Crime.SHOPLIFTING: 4}, (8, 9, 8), 0),
            (115, FormKind.REVIEW, {Substance.ALCOHOL: Days(total_given=6),
                                    Substance.OPIATES: Days(total_given=4),
                                    Substance.CRACK: Days(total_given=0),
                                    Substance.CANNABIS: Days(total_given=8)},
             {Crime.SHOPLIFTING: 0}, (10, 11, 10), 0),
            (25, FormKind.REVIEW, {Substance.ALCOHOL: Days((1, 1, 1, 1)),
                                   Substance.OPIATES: Days((1, 0, 1, 0)),
                                   Substance.CRACK: Days(total_given=1),
                                   Substance.CANNABIS: Days(total_given=6)},
             {Crime.SHOPLIFTING: 1}, (13, 12, 14), 6)):
        outcomes.record(session=session, form=TopForm(
            "", lee, kind, today - timedelta(days=days_ago), use=use,
            alcohol_units_per_day=8, days_injected=0 if days_ago < 200 else 12,
            shared_equipment=days_ago > 200, crime_days=crime, violence=False,
            ratings=dict(zip(Rating, ratings, strict=True)), work_days=work,
            education_days=0, acute_housing_problem=days_ago > 150, eviction_risk=False))
    version = careplan.save_plan(session=session, person_id=lee, plan=plan_input())
    careplan.sign_version(session=session, version_id=version.id, person=signed_inputs()[0],
                          worker=signed_inputs()[1])
    return lee


def _outcome_screens(window: MainWindow, lee: str, darren: str, out: Path,
                     size: tuple[int, int]) -> None:
    """The Outcomes tab with each chart and the list, and the TOP form dialog: new,
    refused, correcting; Darren's, with no form yet and the start form overdue."""
    tab = window.open_person(darren).open_outcomes()
    _shoot(window, out, "outcomes-overdue", size)
    view = window.open_person(lee)
    tab = view.open_outcomes()
    assert tab is not None
    for index, name in enumerate(("outcomes-use", "outcomes-crime", "outcomes-ratings")):
        tab.show_page(index)
        _shoot(window, out, name, size)
    tab.show_page(3)
    _shoot(window, out, "outcomes-forms", size)
    dialog = tab.record_new()
    _shoot(dialog, out, "top-form", size)
    for week, typed in zip((1, 2, 3, 4), ("3", "8", "7", "2"), strict=True):
        dialog.editors[f"use.opiates.week{week}"].setText(typed)  # type: ignore[attr-defined]
    dialog.editors["rating.quality_of_life"].setText("25")  # type: ignore[attr-defined]
    dialog.save()  # a week of 8 days, a rating above 20: what a worker sees
    _shoot(dialog, out, "top-form-problems", size)
    dialog.close()
    correcting = tab.correct_selected()
    assert correcting is not None
    _shoot(correcting, out, "top-form-correct", size)
    correcting.close()


SIZES = ((1366, 768), (1280, 720))  # the commonest laptop; 1920x1080 at 150%
TITLE_BAR = 32


def _shoot(widget: QWidget, out: Path, name: str, size: tuple[int, int]) -> None:
    """Main windows fill the screen, dialogs keep their own size, as a window manager
    would place them; neither can go below its minimum, so a screenshot taller than the
    screen shows the problem."""
    width, height = size
    room = QSize(width, height - TITLE_BAR)
    widget.resize(room if isinstance(widget, MainWindow) else widget.size().boundedTo(room))
    for _ in range(3):  # pages built on demand lay out over a few turns of the loop
        QApplication.processEvents()
    widget.grab().save(str(out / f"{name}-{width}x{height}.png"))


def _dialogs(window: MainWindow, out: Path, size: tuple[int, int]) -> None:
    view = window.person_view
    assert view is not None
    tab = view.open_care_plan()
    preview = tab.open_assessment_preview()
    _shoot(preview, out, "print-preview", size)
    preview.close()
    verify = window.open_verify()
    _shoot(verify, out, "verify", size)
    verify.close()
    consent = view.consent.open_record_dialog()
    _shoot(consent, out, "consent-dialog", size)
    consent.close()
    _journey_dialogs(view.open_journey(), out, size)


def _journey_dialogs(tab: JourneyTab, out: Path, size: tuple[int, int]) -> None:
    dialog = tab.record_new()
    dialog.chooser.set_kind(Kind.DRUG_TEST)
    _shoot(dialog, out, "record-event", size)
    dialog.editors["opiates"].setCurrentIndex(1)
    dialog.occurred.setText("31/02/2026")
    dialog.save()  # a date that cannot be, and a missing answer: what a worker sees
    _shoot(dialog, out, "record-event-problems", size)
    dialog.close()
    tab.timeline.setCurrentItem(tab.timeline.topLevelItem(len(tab.timeline.rows) - 1))
    correcting = tab.correct_selected()
    assert correcting is not None
    _shoot(correcting, out, "correct-event", size)
    correcting.close()
    police = tab.record_police_told()
    _shoot(police, out, "police-told", size)
    police.close()
    notice = next(i for i, row in enumerate(tab.timeline.rows)
                  if row.event.kind is Kind.RA_NOTICE)
    tab.timeline.setCurrentItem(tab.timeline.topLevelItem(notice))
    tab.print_selected()  # signed on the database lane: wait for it
    for _ in range(200):
        if tab.preview is not None:
            break
        QApplication.processEvents()
        time.sleep(0.02)
    assert tab.preview is not None
    _shoot(tab.preview, out, "ra-notice", size)
    tab.preview.close()


def _handover_screens(window: MainWindow, darren: str, michelle: str, out: Path,
                      size: tuple[int, int]) -> None:
    view = window.open_person(darren)
    dialog = view.hand_over()
    _shoot(dialog, out, "hand-over", size)
    dialog.save()  # nothing chosen: what a worker sees
    _shoot(dialog, out, "hand-over-problems", size)
    dialog.close()
    view = window.open_person(michelle)
    _shoot(window, out, "person-in-handover", size)
    inbox = window.open_inbox()
    _shoot(inbox, out, "handover-inbox", size)
    inbox.close()


def _work_screens(window: MainWindow, darren: str, out: Path,
                  size: tuple[int, int]) -> None:
    view = window.open_person(darren)
    for index, name in enumerate(("work-due", "work-appointments", "work-referrals",
                                  "work-keywork")):
        view.open_work(index)
        _shoot(window, out, name, size)
    for opened, name in ((window.open_tasks, "tasks"), (window.open_day, "my-day"),
                         (window.open_referrals, "referral-tracker"),
                         (window.open_desk, "team-desk")):
        dialog = opened()
        _shoot(dialog, out, name, size)
        dialog.close()


def _screens(window: MainWindow, darren: str, michelle: str, out: Path,
             size: tuple[int, int]) -> None:
    _shoot(window, out, "caseload", size)
    view = window.open_person(darren)
    view.open_section("substances")
    _shoot(window, out, "person", size)
    for index, name in ((1, "history"), (2, "consent")):
        view.tabs.setCurrentIndex(index)
        _shoot(window, out, name, size)
    view.open_care_plan()
    _shoot(window, out, "care-plan", size)
    view.open_journey()
    _shoot(window, out, "journey", size)
    _dialogs(window, out, size)
    _handover_screens(window, darren, michelle, out, size)
    _work_screens(window, darren, out, size)
    window.open_triage(darren)
    _shoot(window, out, "triage", size)
    model = window.caseload
    young = next(model.person_at(r).id for r in range(model.rowCount())
                 if model.person_at(r).young_person)
    window.open_triage(young)  # an under-18: their safeguarding questions come too
    _shoot(window, out, "triage-under-18", size)
    window.show_new_person()
    form = window.new_person_form
    form.edits["given_name"].setText("Daren")
    form.edits["family_name"].setText("Smyth")
    form.edits["date_of_birth"].setText("23/11/1984")
    form.refresh_matches()
    _shoot(window, out, "new-person-matches", size)
    form.clear()


def main_(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    configure(app, "0.1.0")
    paths = resolve_paths(tempfile.mkdtemp(prefix="insideout-shots-"))
    device = main.build_device_service(paths, kdf=KdfParams.fast_for_tests())
    session = device.set_up_standalone(full_name="Jo Bloggs", username="jo",
                                       passphrase=PASSPHRASE, confirmation=PASSPHRASE)
    darren = _sample_people(session)
    michelle = _sample_handovers(session)
    (out / "handover.pdf").write_bytes(handover_pdf(session=session, person_id=michelle).data)
    ctrl = AppController(device=device, settings=Settings(), version="0.1.0")
    ctrl._open_main(session)
    window = ctrl.main_window
    assert window is not None
    window.show()
    for size in SIZES:
        _screens(window, darren, michelle, out, size)
    lee = _sample_outcomes(session)
    for size in SIZES:
        _outcome_screens(window, lee, darren, out, size)
    ctrl.lock_now()
    for size in SIZES:
        assert ctrl.sign_in_window is not None
        _shoot(ctrl.sign_in_window, out, "sign-in", size)
    ctrl.shutdown()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main_(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots"))
