"""The new-person form: a strong match stops the save and asks the worker
to open that record or create anyway with a reason; messages wrap; the form fits."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractButton, QLabel

from app.services import people
from app.services.caseload import caseload
from app.services.views import PersonInput
from app.ui.main_window import MainWindow
from app.ui.new_person_form import NewPersonForm
from app.ui.resources import stylesheet

WORK_AREA = QSize(820, 560)  # what the main window leaves the form on a 1280x720 screen


@pytest.fixture
def styled(qapp):
    """The app's own stylesheet: the blank selected match only showed with it."""
    before = qapp.styleSheet()
    qapp.setStyleSheet(stylesheet())
    yield qapp
    qapp.setStyleSheet(before)


@pytest.fixture
def zebedee(signed_in) -> str:
    return people.create_person(session=signed_in, person=PersonInput(
        given_name="Zebedee", family_name="QUARTERMAINE", date_of_birth="14/03/1985")).id


@pytest.fixture
def form(qtbot, signed_in, styled) -> Iterator[NewPersonForm]:
    """The form wired to the real services, as the main window wires it."""
    shown = NewPersonForm(
        value_sets=dict(signed_in.reference.schema.value_sets),
        find=lambda typed: people.find_matches(session=signed_in, person=typed),
        create=lambda typed, seen, reason="": people.create_person(
            session=signed_in, person=typed, acknowledged_matches=seen, reason=reason))
    qtbot.addWidget(shown)
    shown.resize(WORK_AREA)
    shown.show()
    yield shown
    shown._debounce.stop()  # no late look-up after the session is locked at teardown


def _type(qtbot, form: NewPersonForm, **values: str) -> None:
    for key, text in values.items():
        form.edits[key].clear()
        qtbot.keyClicks(form.edits[key], text)
    form._debounce.stop()
    form.refresh_matches()  # at once, not after the typing pause


def _created_audit(session, person_id: str) -> dict:
    from sqlalchemy import select

    from app.store.models import AuditEvent

    with session.transaction() as db:
        return json.loads(db.scalars(select(AuditEvent.detail).where(
            AuditEvent.action == "create", AuditEvent.record_id == person_id)).one())


def test_a_strong_match_stops_the_save_and_open_goes_to_it(qtbot, form, signed_in, zebedee):
    _type(qtbot, form, given_name="Zebedy", family_name="Quartermain",
          date_of_birth="14/03/1985")
    assert form.shown_matches[0].level == "likely"
    opened = []
    form.open_existing.connect(opened.append)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert len(caseload(session=signed_in)) == 1  # stopped
    assert not form.decision.isHidden()
    assert "may be someone we already know" in form.message.text()
    assert "QUARTERMAINE, Zebedee, born 14/03/1985" in form.message.text()
    assert not form.save_button.isEnabled()  # the choice cannot be skipped by Save
    qtbot.mouseClick(form.open_button, Qt.MouseButton.LeftButton)
    assert opened == [zebedee]


def test_create_anyway_needs_a_reason_and_records_it(qtbot, form, signed_in, zebedee):
    _type(qtbot, form, given_name="Zebedie", family_name="Quartermayne",
          date_of_birth="14/03/1985")
    saved = []
    form.saved.connect(saved.append)
    form.save()
    qtbot.mouseClick(form.create_anyway_button, Qt.MouseButton.LeftButton)
    assert not form.reason_error.isHidden() and "why" in form.reason_error.text()
    assert saved == [] and len(caseload(session=signed_in)) == 1
    qtbot.keyClicks(form.reason, "Different mother's maiden name, checked with sergeant")
    assert form.reason_error.isHidden()  # the old message goes as the worker types
    qtbot.mouseClick(form.create_anyway_button, Qt.MouseButton.LeftButton)
    assert len(saved) == 1 and len(caseload(session=signed_in)) == 2
    assert _created_audit(signed_in, saved[0].id) == {
        "created_despite": [zebedee],
        "reason": "Different mother's maiden name, checked with sergeant"}
    assert form.decision.isHidden() and not form.has_content()


def test_a_weak_match_is_shown_and_saves_at_once(qtbot, form, signed_in, zebedee):
    _type(qtbot, form, given_name="Zebedy", family_name="Quartermain",
          date_of_birth="15/03/1985")
    assert [m.level for m in form.shown_matches] == ["possible"]
    saved = []
    form.saved.connect(saved.append)
    form.save()
    assert len(saved) == 1 and form.decision.isHidden()


def test_changing_the_details_leaves_the_decision(qtbot, form, zebedee):
    _type(qtbot, form, given_name="Zebedy", family_name="Quartermain",
          date_of_birth="14/03/1985")
    form.save()
    assert not form.decision.isHidden()
    _type(qtbot, form, date_of_birth="01/01/1990")
    assert form.decision.isHidden() and form.save_button.isEnabled()


def test_the_main_window_stops_the_save_too(qtbot, signed_in, zebedee):
    window = MainWindow(session=signed_in, version="t", idle_minutes=5)
    qtbot.addWidget(window)
    window.show_new_person()
    form = window.new_person_form
    _type(qtbot, form, given_name="Zebedy", family_name="Quartermain",
          date_of_birth="14/03/1985")
    form.save()
    assert len(caseload(session=signed_in)) == 1
    assert not form.decision.isHidden()
    form.clear()
    form._debounce.stop()


def test_the_selected_match_is_drawn_not_blank(qtbot, form, zebedee):
    _type(qtbot, form, given_name="Zebedy", family_name="Quartermain",
          date_of_birth="14/03/1985")
    form.matches.setCurrentRow(0)
    qtbot.wait(10)
    rect = form.matches.visualItemRect(form.matches.item(0))
    image = form.matches.viewport().grab(rect).toImage()
    dark = sum(QColor(image.pixel(x, y)).lightness() < 100
               for x in range(0, image.width(), 2) for y in range(0, image.height(), 2))
    assert dark > 50, "the selected match's text is not drawn"


def test_long_messages_wrap_and_an_old_error_clears(qtbot, form):
    _type(qtbot, form, given_name="Ann", family_name="Other", pnc_id="2001/0000001A",
          nhs_number="9434765918")
    form.save()
    for key in ("pnc_id", "nhs_number"):
        error = form.errors[key]
        assert not error.isHidden() and error.wordWrap()
        qtbot.waitUntil(lambda e=error: e.height() >= e.heightForWidth(e.width()))
    assert "(they give" in form.errors["pnc_id"].text()
    form.edits["pnc_id"].setText("2001/0000001Q")
    assert form.errors["pnc_id"].isHidden() and form.errors["pnc_id"].text() == ""
    assert not form.errors["nhs_number"].isHidden()  # untouched fields keep theirs


@pytest.mark.parametrize("stopped", [False, True])
def test_the_form_fits_the_work_area_with_its_buttons_in_view(qtbot, form, zebedee, stopped):
    _type(qtbot, form, given_name="Zebedy", family_name="Quartermain",
          date_of_birth="14/03/1985", pnc_id="2001/0000001A")
    if stopped:
        form.edits["pnc_id"].clear()
        form.save()
    need = form.minimumSizeHint()
    assert need.width() <= WORK_AREA.width() and need.height() <= WORK_AREA.height(), need
    qtbot.wait(10)
    for button in (form.save_button, form.cancel_button,
                   *((form.open_button, form.create_anyway_button) if stopped else ())):
        assert button.visibleRegion().boundingRect() == button.rect(), button.text()


def test_no_shortcut_letter_is_used_twice(qtbot, form, zebedee):
    _type(qtbot, form, given_name="Zebedy", family_name="Quartermain",
          date_of_birth="14/03/1985")
    form.save()  # the decision's buttons are on screen too
    texts = [w.text() for w in form.findChildren(QAbstractButton) if w.isVisible()]
    texts += [w.text() for w in form.findChildren(QLabel) if w.buddy() is not None]
    letters = Counter(m.group(1).lower() for t in texts
                      for m in [re.search(r"&(\w)", t.replace("&&", ""))] if m)
    assert all(count == 1 for count in letters.values()), letters
    assert letters["s"] == 1
