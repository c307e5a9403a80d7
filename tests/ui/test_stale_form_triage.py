"""A stale form in the custody triage: it saves several sections at once, so it must
write only what was typed in it, and ask before writing over an answer changed meanwhile."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.services import assessment, people
from app.services.views import PersonInput
from app.ui.fields import editor_text
from app.ui.operations import RecordOperations
from app.ui.triage_view import TriageView

DRUG1, DAYS = ("substances", "drug1"), ("substances", "alcohol_drinking_days")


def _triage_over_alcohol(qtbot, session) -> tuple[TriageView, str]:
    lee = people.create_person(session=session, person=PersonInput(
        given_name="Lee", family_name="Walker", date_of_birth="02/03/1990", sex="1")).id
    assessment.save_section(session=session, person_id=lee, section="substances",
                            typed={"drug1": "alcohol"})
    triage = TriageView(ops=RecordOperations(session), person_id=lee)
    qtbot.addWidget(triage)
    return triage, lee


def _substances(session, person_id: str) -> dict:
    return assessment.load_assessment(session=session, person_id=person_id).values[
        "substances"]


def test_the_triage_saves_only_what_was_typed(qtbot, signed_in):
    triage, lee = _triage_over_alcohol(qtbot, signed_in)
    assessment.save_section(session=signed_in, person_id=lee, section="substances",
                            typed={"drug1": "crack"})  # while the triage is open
    triage.form.editors[DAYS].setText("3")
    with qtbot.waitSignal(triage.done):
        triage.save()
    assert _substances(signed_in, lee) == {"drug1": "crack", "alcohol_drinking_days": 3}
    assert "1 answer changed" in triage.last_saved


def test_the_triage_follows_a_sync_and_marks_typed_answers(qtbot, signed_in):
    triage, lee = _triage_over_alcohol(qtbot, signed_in)
    triage.form.editors[DRUG1].set_code("heroin")
    assessment.save_section(session=signed_in, person_id=lee, section="substances",
                            typed={"drug1": "crack", "alcohol_drinking_days": "5"})
    assert triage.refresh_from_store() is True
    assert triage.form.editors[DAYS].text() == "5"
    assert editor_text(triage.form.editors[DRUG1]) == "heroin"
    assert triage.form.notes_open() == [DRUG1]


def test_a_stale_triage_answer_waits_for_the_workers_choice(qtbot, signed_in):
    triage, lee = _triage_over_alcohol(qtbot, signed_in)
    triage.form.editors[DRUG1].set_code("heroin")
    triage.form.editors[DAYS].setText("3")
    assessment.save_section(session=signed_in, person_id=lee, section="substances",
                            typed={"drug1": "crack"})
    with qtbot.assertNotEmitted(triage.done):
        triage.save()  # the rest is saved and the visit recorded; the triage stays open
    assert _substances(signed_in, lee) == {"drug1": "crack", "alcohol_drinking_days": 3}
    assert "NOT saved" in triage.message.text()
    assert assessment.load_assessment(session=signed_in, person_id=lee).contacts
    note = triage.form.notes[DRUG1]
    with qtbot.waitSignal(triage.done):  # the last choice made: back to the record
        qtbot.mouseClick(note.write_mine, Qt.MouseButton.LeftButton)
    assert _substances(signed_in, lee)["drug1"] == "heroin"
    assert len(assessment.load_assessment(session=signed_in, person_id=lee).contacts) == 1


def test_keeping_the_newer_triage_answer(qtbot, signed_in):
    triage, lee = _triage_over_alcohol(qtbot, signed_in)
    triage.form.editors[DRUG1].set_code("heroin")
    assessment.save_section(session=signed_in, person_id=lee, section="substances",
                            typed={"drug1": "crack"})
    triage.save()
    with qtbot.waitSignal(triage.done):
        qtbot.mouseClick(triage.form.notes[DRUG1].keep_newer, Qt.MouseButton.LeftButton)
    assert editor_text(triage.form.editors[DRUG1]) == "crack"
    assert _substances(signed_in, lee)["drug1"] == "crack"
