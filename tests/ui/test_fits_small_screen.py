"""Every window and dialog is usable on a 1280x720 screen (a 1920x1080 one at 150%): none
asks for more room, and the action it exists for is on screen, not scrolled away
(Save buttons, the care plan's Sign and Print, the status bar were below the
edge of a 768-high laptop)."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from app.domain.journey.kinds import Kind
from app.services import assessment, people, printing
from app.services.views import PersonInput
from app.ui.careplan_sign import CarePlanSignDialog
from app.ui.conflicts_view import ConflictsDialog
from app.ui.consent_panel import ConsentDialog
from app.ui.elsewhere_dialog import ElsewhereDialog
from app.ui.first_run import FirstRunWizard
from app.ui.main_window import MainWindow
from app.ui.operations import (
    ConflictOperations,
    ElsewhereOperations,
    RecordOperations,
    VerifyOperations,
)
from app.ui.person_actions import EditPersonDialog, MergeDialog
from app.ui.print_preview import PrintPreview
from app.ui.resources import stylesheet
from app.ui.screen_fit import SMALLEST_SCREEN, TITLE_BAR
from app.ui.sign_in import SignInWindow
from app.ui.verify_view import VerifyView
from tests.careplan.helpers import INTERVENTIONS, plan_input
from tests.ui.test_keyboard_and_fit import missed_an_assessment

ROOM = SMALLEST_SCREEN - QSize(0, TITLE_BAR)
LONG = ("Sleeping at his sister's flat on and off since release, sometimes in the car park "
        "behind the hostel; wants his own tenancy near his daughter's school")


def assert_fits(window: QWidget, actions: Iterable[QWidget] = ()) -> None:
    need = window.minimumSizeHint().expandedTo(window.minimumSize())
    title = window.windowTitle() or type(window).__name__
    assert need.width() <= ROOM.width() and need.height() <= ROOM.height(), \
        f"{title} needs {need.width()}x{need.height()}, the screen gives {ROOM}"
    # Opened no taller than the screen it is on (the print preview opened 900 px tall).
    screen_room = window.screen().availableGeometry().height() - TITLE_BAR
    assert window.height() <= screen_room, f"{title} opens {window.height()} px tall"
    window.resize(window.size().boundedTo(ROOM))
    QApplication.processEvents()
    for action in actions:
        where = QRect(action.mapTo(window, QPoint(0, 0)), action.size())
        label = action.text() if isinstance(action, QPushButton) else type(action).__name__
        assert action.isVisibleTo(window), f"{title}: {label} is hidden"
        assert window.rect().contains(where), f"{title}: {label} is off the window at {where}"
        # Clipped by a scroll area (or the window) = scrolled out of reach.
        assert action.visibleRegion().boundingRect() == action.rect(), \
            f"{title}: {label} is partly scrolled away"


@pytest.fixture(autouse=True)
def app_look(qapp):
    """The app's own stylesheet: its padding and fonts are what the worker sees."""
    qapp.setStyleSheet(stylesheet())
    yield
    qapp.setStyleSheet("")


@pytest.fixture
def window(qtbot, signed_in) -> MainWindow:
    shown = MainWindow(session=signed_in, version="t", idle_minutes=5)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def _rich_person(session) -> str:
    """A record as it looks after months of work: aliases, long answers, many changes."""
    made = people.create_person(session=session, person=PersonInput(
        given_name="Zebedee", middle_name="Alexander", family_name="Quartermaine-Fotheringham",
        date_of_birth="14/03/2009", sex="1", pnc_id="2001/0000001Q", prison_number="A1234BC",
        aliases=(("alias", "Zeb"), ("alias", "Q")), address_line1="Flat 12, Long Road House",
        town="Ipswich", postcode="IP1 1AA"))
    assessment.record_contact(session=session, person_id=made.id, setting="custody")
    for section, typed in (("housing", {"accommodation_need": "1", "housing_notes": LONG}),
                           ("goals", {"goals_own_words": LONG + "\nStay clean\nSee Kayla"}),
                           ("risk", {"overdose_risk": "high", "risk_notes": LONG})):
        assessment.save_section(session=session, person_id=made.id, section=section,
                                typed=typed)
    return made.id


def _buttons(widget: QWidget, *texts: str) -> list[QPushButton]:
    found = [b for b in widget.findChildren(QPushButton)
             if any(t in b.text() for t in texts) and b.isVisibleTo(widget.window())]
    assert found, f"no button {texts} in {type(widget).__name__}"
    return found


def test_the_main_window_and_its_status_bar_fit(window):
    assert_fits(window, [window.statusBar()])


def test_new_person_form_with_its_save_button(window):
    window.show_new_person()
    form = window.new_person_form
    form.edits["pnc_id"].setText("2001/0000001A")
    form.edits["nhs_number"].setText("9434765918")
    form.save()  # wrong check letter and digit: the longest messages show
    assert_fits(window, [form.save_button, window.statusBar()])


def test_every_tab_of_a_rich_record(window, signed_in):
    view = window.open_person(_rich_person(signed_in))
    for index in range(view.tabs.count()):
        view.tabs.setCurrentIndex(index)
        assert_fits(window, [window.statusBar()])
    for section_id in ("housing", "substances", "risk", "goals"):
        panel = view.open_section(section_id)
        assert_fits(window, [panel.save_button, window.statusBar()])


def test_care_plan_with_many_interventions(window, signed_in):
    from app.services import careplan

    person_id = _rich_person(signed_in)
    careplan.save_plan(session=signed_in, person_id=person_id,
                       plan=plan_input(interventions=INTERVENTIONS * 2))
    tab = window.open_person(person_id).open_care_plan()
    assert_fits(window, [tab.save_button, tab.sign_button, tab.print_button,
                         window.statusBar()])
    assert not tab.form.table.horizontalScrollBar().isVisible()  # no sideways hunting


def test_the_journey_tab_with_the_police_box_keeps_its_timeline_in_view(qtbot, window,
                                                                      signed_in):
    person_id = _rich_person(signed_in)
    missed_an_assessment(signed_in, person_id)
    tab = window.open_person(person_id).open_journey()
    assert_fits(window, [tab.record_button, tab.correct_button, tab.error_button,
                         tab.print_button, tab.summary.police.button, window.statusBar()])
    assert len(tab.timeline.rows) == 5
    window.resize(ROOM)  # the offscreen screen is smaller than the smallest we support
    # The events themselves stay in view under the summary: all five, with the longest
    # name, the pathway badge, a release, a prescription and the red box above them.
    last = tab.timeline.topLevelItem(4)
    qtbot.waitUntil(lambda: tab.timeline.viewport().rect().contains(
        tab.timeline.visualItemRect(last)))


def test_the_record_event_dialog_with_its_problems(qtbot, signed_in):
    from app.ui.event_dialog import RecordEventDialog

    dialog = RecordEventDialog(record=lambda typed: None,
                               value_sets=signed_in.reference.schema.value_sets)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.chooser.set_kind(Kind.RA_NOTICE)  # the kind with the most to fill in
    dialog.occurred.setText("31/02/2026")
    dialog.editors["appointment_on"].setText("05/13/2026")
    dialog.save()
    assert dialog.errors["appointment_on"].isVisible()
    assert_fits(dialog, _buttons(dialog, "Save event", "Cancel"))


def test_triage(window, signed_in):
    triage = window.open_triage(_rich_person(signed_in))
    assert_fits(window, [triage.save_button, window.statusBar()])


def test_print_preview(qtbot, signed_in):
    person_id = _rich_person(signed_in)
    preview = PrintPreview(ops=RecordOperations(signed_in), document=printing.assessment_pdf(
        session=signed_in, person_id=person_id))
    qtbot.addWidget(preview)
    preview.show()
    assert_fits(preview, [preview.print_button, preview.save_button,
                          *_buttons(preview, "Close")])


def test_dialogs(qtbot, signed_in):
    person_id = _rich_person(signed_in)
    people.create_person(session=signed_in, person=PersonInput(
        given_name="Kayla", family_name="Jones", date_of_birth="01/02/1990"))
    shown = [
        (EditPersonDialog(ops=RecordOperations(signed_in), person_id=person_id), ("Save", "OK")),
        (MergeDialog(ops=RecordOperations(signed_in), survivor_id=person_id), ("Merge",)),
        (ConflictsDialog(ops=ConflictOperations(signed_in)), ("Close",)),
        (VerifyView(ops=VerifyOperations(signed_in)), ("Close", "Choose")),
        (CarePlanSignDialog(number=1, person_name="Zebedee Quartermaine-Fotheringham",
                            worker_name="Jo Bloggs"), ("Sign and freeze", "Cancel")),
        (ConsentDialog(already={"police"}, record=lambda typed: None),
         ("Record", "Cancel")),
        (ElsewhereDialog(ops=ElsewhereOperations(signed_in), run=lambda *a, **k: None), ("Close",)),
    ]
    for dialog, actions in shown:
        qtbot.addWidget(dialog)
        dialog.show()
        assert_fits(dialog, _buttons(dialog, *actions))


def test_sign_in_and_first_run(qtbot):
    sign_in = SignInWindow(usernames=["jo", "sam"], locked_by="jo", takes_new_workers=True)
    qtbot.addWidget(sign_in)
    sign_in.show()
    assert_fits(sign_in, [sign_in.button])
    wizard = FirstRunWizard(set_up=lambda **_: None)
    qtbot.addWidget(wizard)
    wizard.show()
    for _page in range(2):
        assert_fits(wizard)
        wizard.next()
