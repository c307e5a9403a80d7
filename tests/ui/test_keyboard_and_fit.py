"""Type-to-choose takes spaces, focus shows, mnemonics are unique, and the
record fits the work area of a 1280x720 screen (about 820x560 beside the caseload)."""

import re
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QTabWidget, QWidget

from app.domain.journey.kinds import Kind
from app.services import assessment, journey, people
from app.services.journey import EventInput
from app.services.views import PersonInput
from app.ui.operations import RecordOperations, WorkOperations
from app.ui.person_view import PersonView
from app.ui.resources import stylesheet
from app.ui.sign_in import SignInWindow


@pytest.fixture
def styled(qapp):
    """The app's own stylesheet: sizes and focus marks depend on it."""
    qapp.setStyleSheet(stylesheet())
    yield qapp
    qapp.setStyleSheet("")


@pytest.fixture
def view(qtbot, signed_in, styled):
    person = people.create_person(session=signed_in, person=PersonInput(
        given_name="Maximilian-Alexander", middle_name="Bartholomew",
        family_name="Featherstonehaugh-Smythe", date_of_birth="02/03/2010", sex="1",
        pnc_id="2001/0000001Q", nhs_number="9434765919", prison_number="A1234BC"))
    assessment.record_contact(session=signed_in, person_id=person.id, setting="custody")
    widget = PersonView(ops=RecordOperations(signed_in), person_id=person.id,
                        work_ops=WorkOperations(signed_in))
    qtbot.addWidget(widget)
    widget.resize(820, 560)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _combo(view, section, field):
    return view.open_section(section).form.editors[(section, field)]


def test_a_space_typed_in_a_choice_list_is_part_of_the_answer(qtbot, view):
    pregnant = _combo(view, "pregnancy", "pregnant")
    pregnant.setFocus()
    qtbot.keyClicks(pregnant, "Not a")
    assert pregnant.currentText() == "Not applicable"
    assert not pregnant.view().isVisible()  # the space did not open the popup
    need = _combo(view, "housing", "accommodation_need")
    need.setFocus()
    qtbot.keyClicks(need, "No h")
    assert need.currentText() == "No housing problem"
    qtbot.wait(QApplication.keyboardInputInterval() + 50)
    qtbot.keyClicks(need, "No f")
    assert need.currentText().startswith("No fixed abode")
    assert not need.view().isVisible()


def test_every_kind_of_field_shows_where_the_keyboard_is(qtbot, view):
    with qtbot.waitActive(view):
        view.activateWindow()
    form = view.open_section("housing").form
    for key in (("housing", "accommodation_need"), ("housing", "housing_notes")):
        editor = form.editors[key]
        view.sections.setFocus()
        qtbot.wait(20)
        unfocused = editor.grab().toImage()
        editor.setFocus()
        qtbot.waitUntil(editor.hasFocus)
        qtbot.wait(20)
        assert editor.grab().toImage() != unfocused, key  # a visible focus mark


def _with_work(session, person_id: str) -> None:
    from datetime import date, time, timedelta

    from app.domain.journey.kinds import Setting
    from app.domain.keywork import SessionType
    from app.domain.referrals import ReferralService, ReferralStatus
    from app.services import appointments, keywork, referrals
    from app.services.appointments import Booking

    sent = referrals.refer(session=session, person_id=person_id,
                           service=ReferralService.RESIDENTIAL_REHAB, reason="Wants rehab")
    referrals.record_step(session=session, referral_id=sent.id,
                          status=ReferralStatus.ACKNOWLEDGED)
    keywork.record(session=session, person_id=person_id, typed=keywork.SessionInput(
        date.today(), Setting.CUSTODY, 30, SessionType.IN_CELL, "Talked"))
    appointments.book(session=session, person_id=person_id, booking=Booking(
        date.today() + timedelta(days=1), time(10, 0), "Harlow hub", "", "Key work"))


def _mnemonics(root: QWidget) -> list[str]:
    """The Alt+letter of every visible button, label and tab under `root`."""
    found = []
    texts = [w.text() for w in root.findChildren(QAbstractButton) if w.isVisibleTo(root)]
    texts += [w.text() for w in root.findChildren(QLabel)
              if w.isVisibleTo(root) and w.buddy() is not None]
    for tabs in root.findChildren(QTabWidget):
        if tabs.isVisibleTo(root):
            texts += [tabs.tabText(i) for i in range(tabs.count())]
    for text in texts:
        found += [m.lower() for m in re.findall(r"(?<!&)&([^&\s])", text)]
    return found


@pytest.mark.parametrize("tab", [0, 1, 2, 4, 5])  # the Care plan tab's are careplan_view's
def test_no_two_visible_controls_share_an_alt_key(qtbot, view, tab, signed_in):
    if tab == view.work_index:  # every page's buttons showing: a referral with a step,
        _with_work(signed_in, view.person_id)  # a session, a booking
    if tab == view.journey_index:  # with the tell-the-police box showing
        missed_an_assessment(signed_in, view.person_id)
        view.reload()
    view.tabs.setCurrentIndex(tab)
    if tab == view.journey_index:
        assert view.journey_tab is not None
        assert view.journey_tab.summary.police.isVisibleTo(view)
    pages = range(4) if tab == view.work_index else [None]  # each page of the Work tab
    for page in pages:
        if page is not None:
            view.open_work(page)
            qtbot.wait(100)  # the page is built and read on the next turns of the loop
        found = _mnemonics(view)
        menus = ["f", "p", "v", "t", "h"]  # the main window's File, Person, View, Tools, Help
        assert len(found) == len(set(found)), (page, found)
        assert not set(found) & set(menus), (page, found)
    assert view.open_section("housing").save_button.text().startswith("&Save")


def test_ctrl_s_saves_the_section_on_screen(qtbot, view):
    with qtbot.waitActive(view):
        view.activateWindow()
    panel = view.open_section("housing")
    notes = panel.form.editors[("housing", "housing_notes")]
    notes.setFocus()
    qtbot.keyClicks(notes, "Hostel")
    qtbot.keyClick(notes, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert panel.feedback.text().startswith("Saved ")


def missed_an_assessment(session, person_id: str) -> None:
    """A record whose Journey tab shows the red box, the banner a release and a script."""
    today = date.today()
    for kind, days, details in (
            (Kind.PRISON_RECEPTION, 40, {}), (Kind.RELEASE, 6, {}),
            (Kind.PRESCRIBED, 6, {"medicine": "Buprenorphine oral lyophilisate",
                                  "daily_dose": "16 mg", "prescriber": "Dr Okafor"}),
            (Kind.DRUG_TEST, 3, {"opiates": "positive", "cocaine": "positive"}),
            (Kind.RA_FAILED_TO_ATTEND, 1, {"stage": "initial"})):
        journey.record_event(session=session, person_id=person_id, typed=EventInput(
            kind, today - timedelta(days=days), "HMP/YOI Chelmsford", details))


def test_the_record_fits_the_work_area_of_a_1280x720_screen(qtbot, view, tmp_path, signed_in):
    missed_an_assessment(signed_in, view.person_id)
    view.reload()
    for tab in (0, 1, 2, 4):
        view.tabs.setCurrentIndex(tab)
        hint = view.minimumSizeHint()
        assert hint.width() <= 820 and hint.height() <= 560, (tab, hint)
    view.tabs.setCurrentIndex(0)
    panel = view.open_section("substances")
    qtbot.wait(20)
    # However tall a hidden tab needs to be (the Journey tab's police box), the record
    # on screen fits: it was laid out at 608 high when the window settled.
    assert view.minimumSizeHint().height() <= 560, view.minimumSizeHint()
    # The actions stay on screen: the Save button is inside the 820x560 view.
    corner = panel.save_button.mapTo(view, panel.save_button.rect().bottomRight())
    assert corner.x() <= 820 and corner.y() <= 560
    assert view.grab().save(str(tmp_path / "person-820x560.png"))
    banner = view.banner
    for label in (banner.name, banner.pathway, banner.identity):
        assert label.isVisible() and label.width() >= label.minimumSizeHint().width()


def test_sign_in_shows_it_is_working_and_takes_one_press(qtbot):
    window = SignInWindow(usernames=["jo"])
    qtbot.addWidget(window)
    window.show()
    pressed = []
    window.sign_in_requested.connect(lambda *args: pressed.append(args))
    qtbot.keyClicks(window.passphrase, "kettle custody 42")
    qtbot.keyClick(window.passphrase, Qt.Key.Key_Return)
    qtbot.keyClick(window.passphrase, Qt.Key.Key_Return)
    qtbot.mouseClick(window.button, Qt.MouseButton.LeftButton)
    assert len(pressed) == 1
    assert window.button.text() == "Signing in…" and not window.button.isEnabled()
    window.set_busy(False)
    assert window.button.isEnabled() and window.button.text() == "Sign in"
