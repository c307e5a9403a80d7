"""Editing details keeps what the form does not show; merging is undone from the screen."""

from PySide6.QtCore import Qt

from app.services import people
from app.services.caseload import caseload
from app.services.views import PersonInput
from app.ui.main_window import MainWindow


def _window(qtbot, session):
    window = MainWindow(session=session, version="t", idle_minutes=5)
    qtbot.addWidget(window)
    return window


def test_edit_details_updates_and_keeps_hidden_fields(qtbot, signed_in):
    person = people.create_person(session=signed_in, person=PersonInput(
        given_name="Lee", family_name="Walker", email="lee@example.org",
        address_line2="Flat 2", aliases=(("Walks", "previous_name"),)))
    view = _window(qtbot, signed_in).open_person(person.id)
    dialog = view.edit_details()
    town = dialog.form.edits["town"]
    qtbot.keyClicks(town, "Harlow")
    dialog.form.edits["prison_number"].setText("a1234bc")
    qtbot.mouseClick(dialog.form.save_button, Qt.MouseButton.LeftButton)
    record = people.get_person(session=signed_in, person_id=person.id).person
    assert record.address.town == "Harlow"
    assert record.identifiers.prison_number == "A1234BC"
    assert (record.contact.email, record.address.line2) == ("lee@example.org", "Flat 2")
    assert [(a.text, a.kind) for a in record.aliases] == [("Walks", "previous_name")]
    assert "Prison no. A1234BC" in view.banner.identity.text()


def test_a_bad_identifier_in_edit_is_shown_and_nothing_changes(qtbot, signed_in):
    person = people.create_person(session=signed_in, person=PersonInput(
        given_name="Lee", family_name="Walker"))
    dialog = _window(qtbot, signed_in).open_person(person.id).edit_details()
    dialog.form.edits["nhs_number"].setText("123")
    qtbot.mouseClick(dialog.form.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.form.errors["nhs_number"].isHidden()
    assert people.get_person(session=signed_in, person_id=person.id).person.identifiers \
        .nhs_number == ""


def test_merge_a_duplicate_then_undo_it_from_the_person_screen(qtbot, signed_in):
    keep = people.create_person(session=signed_in, person=PersonInput(
        given_name="Darren", family_name="Smith", date_of_birth="23/11/1984"))
    dup = people.create_person(session=signed_in, person=PersonInput(
        given_name="Daz", family_name="Smith", prison_number="A1234BC"))
    window = _window(qtbot, signed_in)
    view = window.open_person(keep.id)
    assert view.undo_merge_button.isHidden()
    dialog = view.merge_duplicate()
    qtbot.keyClicks(dialog.search, "A1234BC")
    assert dialog.results.count() == 1
    dialog.results.setCurrentRow(0)
    qtbot.keyClicks(dialog.reason, "same man, prison number on custody record")
    dialog.merge_selected()
    assert [p.id for p in caseload(session=signed_in)] == [keep.id]
    assert not view.undo_merge_button.isHidden()
    assert "Includes the record of SMITH, Daz" in view.notice.full_text()
    qtbot.mouseClick(view.undo_merge_button, Qt.MouseButton.LeftButton)
    assert {p.id for p in caseload(session=signed_in)} == {keep.id, dup.id}
    assert view.undo_merge_button.isHidden()
