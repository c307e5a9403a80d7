"""A stale form on screen: an open record changed underneath it (a sync, a conflict
resolved) is brought up to date, typing is kept and marked, and a save over a newer
value asks the worker which to keep. The change 'underneath' is made here through the
service, as a pulled sync row lands in the same store."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.services import assessment, people
from app.services.views import PersonInput
from app.ui.fields import editor_text, set_editor_text
from app.ui.operations import RecordOperations
from app.ui.person_view import PersonView

DRUG1, AGE = ("substances", "drug1"), ("substances", "drug1_age_first_used")


@pytest.fixture
def lee(signed_in) -> str:
    person = people.create_person(session=signed_in, person=PersonInput(
        given_name="Lee", family_name="Walker", date_of_birth="02/03/1990", sex="1"))
    assessment.save_section(session=signed_in, person_id=person.id, section="substances",
                            typed={"drug1": "alcohol"})
    return person.id


@pytest.fixture
def view(qtbot, signed_in, lee) -> PersonView:
    shown = PersonView(ops=RecordOperations(signed_in), person_id=lee)
    qtbot.addWidget(shown)
    shown.open_section("substances")
    return shown


def _elsewhere(session, person_id: str, **typed: str) -> None:
    """Another worker's change arriving while the form is open."""
    assessment.save_section(session=session, person_id=person_id, section="substances",
                            typed=typed)


def _stored(session, person_id: str) -> dict:
    return assessment.load_assessment(session=session, person_id=person_id).values[
        "substances"]


def test_a_form_without_typing_follows_the_record(qtbot, view, signed_in, lee):
    view.resize(900, 500)
    view.show()
    qtbot.waitExposed(view)
    panel = view.panels["substances"]
    scroll = panel.scroll.verticalScrollBar()
    scroll.setValue(scroll.maximum())
    assert scroll.value() > 0
    assert view.refresh_from_store() is False  # nothing changed: nothing repainted
    _elsewhere(signed_in, lee, drug1="crack")
    assert view.refresh_from_store() is True
    assert editor_text(panel.form.editors[DRUG1]) == "crack"
    assert not panel.form.is_dirty() and panel.form.notes_open() == []
    assert view.tabs.currentIndex() == 0 and view.section_stack.currentWidget() is panel
    assert scroll.value() == scroll.maximum()  # the worker's place on the form is kept
    newest = view.history.topLevelItem(0)
    assert (newest.text(3), newest.text(4)) == ("Alcohol", "Crack cocaine")


def test_typing_is_kept_and_the_field_marked_when_it_changed_underneath(view, signed_in, lee):
    form = view.panels["substances"].form
    form.editors[DRUG1].set_code("heroin")
    form.editors[AGE].setText("19")
    _elsewhere(signed_in, lee, drug1="crack", drug1_route="2")
    view.refresh_from_store()
    assert editor_text(form.editors[DRUG1]) == "heroin" and form.editors[AGE].text() == "19"
    assert form.notes_open() == [DRUG1]  # the age was typed but nobody changed it
    text = form.notes[DRUG1].text.text()
    assert text.startswith("Changed by Jo Bloggs at ") and "to 'Crack cocaine'" in text
    assert "'Heroin'" in text  # what they typed, named
    assert editor_text(form.editors[("substances", "drug1_route")]) == "2"


def test_saving_only_writes_what_was_typed(view, signed_in, lee):
    """The issue exactly: a stale form, only the age typed; the main substance stands."""
    panel = view.panels["substances"]
    _elsewhere(signed_in, lee, drug1="crack")  # no refresh: the form still says Alcohol
    panel.form.editors[AGE].setText("19")
    panel.save()
    assert _stored(signed_in, lee) == {"drug1": "crack", "drug1_age_first_used": 19}
    assert "1 answer changed" in panel.feedback.text()
    history = assessment.field_history(session=signed_in, person_id=lee,
                                       section="substances", field="drug1")
    assert [h.new for h in history] == ["alcohol", "crack"]


@pytest.fixture
def refused(view, signed_in, lee) -> PersonView:
    """Typed over a main substance that changed underneath, age typed too; saved."""
    panel = view.panels["substances"]
    panel.form.editors[DRUG1].set_code("heroin")
    panel.form.editors[AGE].setText("19")
    _elsewhere(signed_in, lee, drug1="crack")
    panel.save()
    return view


def test_a_save_over_a_newer_value_asks_and_saves_the_rest(refused, signed_in, lee):
    panel = refused.panels["substances"]
    assert _stored(signed_in, lee) == {"drug1": "crack", "drug1_age_first_used": 19}
    assert "1 answer NOT saved" in panel.feedback.text()
    note = panel.form.notes[DRUG1]
    assert not note.isHidden() and note.text.text().startswith("Not saved: Changed by Jo")
    assert editor_text(panel.form.editors[DRUG1]) == "heroin"  # nothing typed is lost
    assert panel.form.editors[AGE].text() == "19" and panel.form.is_dirty()
    assert note.keep_newer.text() == "Keep 'Crack cocaine'"
    assert note.write_mine.text() == "Save mine ('Heroin') over it"


def test_keeping_the_newer_value_reverts_the_field(qtbot, refused, signed_in, lee):
    panel = refused.panels["substances"]
    qtbot.mouseClick(panel.form.notes[DRUG1].keep_newer, Qt.MouseButton.LeftButton)
    assert editor_text(panel.form.editors[DRUG1]) == "crack"
    assert panel.form.notes_open() == [] and not panel.form.is_dirty()
    assert _stored(signed_in, lee)["drug1"] == "crack"


def test_writing_mine_over_it_is_saved_and_in_the_history(qtbot, refused, signed_in, lee):
    panel = refused.panels["substances"]
    qtbot.mouseClick(panel.form.notes[DRUG1].write_mine, Qt.MouseButton.LeftButton)
    assert _stored(signed_in, lee)["drug1"] == "heroin"
    assert panel.form.notes_open() == [] and not panel.form.is_dirty()
    history = assessment.field_history(session=signed_in, person_id=lee,
                                       section="substances", field="drug1")
    assert (history[-1].old, history[-1].new) == ("crack", "heroin")


def test_another_sections_save_keeps_typing_elsewhere_and_marks_it(view, signed_in, lee):
    substances = view.panels["substances"]
    substances.form.editors[DRUG1].set_code("heroin")
    _elsewhere(signed_in, lee, drug1="crack")
    housing = view.open_section("housing")
    set_editor_text(housing.form.editors[("housing", "housing_notes")], "tent")
    housing.save()
    assert editor_text(substances.form.editors[DRUG1]) == "heroin"
    assert substances.form.notes_open() == [DRUG1]
