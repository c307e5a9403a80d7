"""Opening a record is quick (one panel built), saving shows it is working and
then says what it did, the notice never pushes the form down, and triage is a contact."""

import pytest
from PySide6.QtCore import Qt

from app.services import assessment, people
from app.services.views import PersonInput
from app.ui.fields import editor_text
from app.ui.operations import RecordOperations
from app.ui.person_view import PersonView
from app.ui.triage_view import TriageView


@pytest.fixture
def person_id(signed_in):
    return people.create_person(session=signed_in, person=PersonInput(
        given_name="Lee", family_name="Walker", date_of_birth="02/03/1990", sex="1")).id


def _view(qtbot, session, person_id, **kwargs) -> PersonView:
    view = PersonView(ops=RecordOperations(session), person_id=person_id, **kwargs)
    qtbot.addWidget(view)
    return view


class HeldRunner:
    """A database runner that holds the job until the test lets it run: a slow save."""

    def __init__(self) -> None:
        self.jobs: list[tuple] = []

    def __call__(self, work, *, on_success, on_failure) -> None:
        self.jobs.append((work, on_success, on_failure))

    def finish(self) -> None:
        work, on_success, _ = self.jobs.pop(0)
        on_success(work())


def test_opening_a_record_builds_only_the_section_shown(qtbot, signed_in, person_id):
    view = _view(qtbot, signed_in, person_id)
    first = signed_in.reference.schema.section_ids[0]
    assert list(view.panels.built) == [first]
    assert view.section_stack.count() == 1
    view.reload()
    assert list(view.panels.built) == [first]  # reload refills only what is built
    panel = view.open_section("housing")
    assert set(view.panels.built) == {first, "housing"}
    assert view.section_stack.currentWidget() is panel
    # every section of this record reachable (an adult's has no young person's section)
    assert len(view.panels) == len(signed_in.reference.schema.section_ids_for(
        young=view.record.young_person))


def test_a_draft_for_a_section_not_built_yet_comes_back(qtbot, signed_in, person_id):
    typing = _view(qtbot, signed_in, person_id)
    notes = typing.open_section("housing").form.editors[("housing", "housing_notes")]
    qtbot.keyClicks(notes, "Sofa at his sister's")
    state = typing.draft_state()
    fresh = _view(qtbot, signed_in, person_id)
    assert "housing" not in fresh.panels.built
    fresh.restore_draft(state)
    restored = fresh.panels.built["housing"].form.editors[("housing", "housing_notes")]
    assert editor_text(restored) == "Sofa at his sister's"
    assert fresh.section_stack.currentWidget() is fresh.panels["housing"]
    assert fresh.draft_state() == state  # and it is still a draft until saved


def test_a_second_press_while_saving_does_nothing(qtbot, signed_in, person_id):
    runner = HeldRunner()
    view = _view(qtbot, signed_in, person_id, run=runner)
    panel = view.open_section("housing")
    panel.form.editors[("housing", "housing_notes")].setPlainText("Hostel")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert not panel.save_button.isEnabled() and panel.feedback.text() == "Saving…"
    panel.save()  # Ctrl+S, or a click that got through, while the first save runs
    assert len(runner.jobs) == 1
    runner.finish()
    assert panel.save_button.isEnabled() and panel.feedback.text().startswith("Saved ")
    history = assessment.person_history(session=signed_in, person_id=person_id)
    assert [h.new for h in history] == ["Hostel"]


def test_every_save_says_what_it_did(qtbot, signed_in, person_id):
    view = _view(qtbot, signed_in, person_id)
    panel = view.open_section("housing")
    panel.form.editors[("housing", "accommodation_need")].setCurrentIndex(1)
    panel.form.editors[("housing", "housing_notes")].setPlainText("Hostel")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert "2 answers changed" in panel.feedback.text()
    assert panel.feedback.text().startswith("Saved ")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert panel.feedback.text().startswith("Nothing changed")
    panel.form.editors[("housing", "housing_notes")].setPlainText("x" * 5000)  # too long
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert panel.feedback.text().startswith("Not saved")
    assert panel.save_button.isEnabled()


def test_the_notice_never_grows_after_saves(qtbot, signed_in, person_id):
    assessment.record_contact(session=signed_in, person_id=person_id, setting="custody")
    view = _view(qtbot, signed_in, person_id)
    view.resize(820, 560)
    view.show()
    qtbot.waitExposed(view)
    heights, tops = set(), set()
    panel = view.open_section("substances")
    for visit in range(6):
        for field, text in (("alcohol_drinking_days", str(visit + 1)),
                            ("tobacco_per_day", str(visit + 2))):
            panel.form.editors[("substances", field)].setText(text)
        qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
        qtbot.wait(10)
        heights.add(view.notice.height())
        tops.add(view.tabs.mapTo(view, view.tabs.rect().topLeft()).y())
    assert len(heights) == 1 and len(tops) == 1  # the form stays under the pointer
    lines = view.notice.full_text().splitlines()
    assert len(lines) <= 3 and "History tab" in view.notice.full_text()


def test_a_saved_triage_counts_as_a_contact(qtbot, signed_in, person_id):
    before = _view(qtbot, signed_in, person_id)
    assert "No contact recorded yet" in before.notice.full_text()
    triage = TriageView(ops=RecordOperations(signed_in), person_id=person_id)
    qtbot.addWidget(triage)
    triage.form.editors[("substances", "alcohol_drinking_days")].setText("3")
    with qtbot.waitSignal(triage.done):
        qtbot.mouseClick(triage.save_button, Qt.MouseButton.LeftButton)
    assert "custody contact recorded" in triage.last_saved
    after = _view(qtbot, signed_in, person_id)
    assert after.notice.full_text().startswith("Last contact: custody")


def test_triage_ignores_a_second_press_while_saving(qtbot, signed_in, person_id):
    runner = HeldRunner()
    triage = TriageView(ops=RecordOperations(signed_in), person_id=person_id, run=runner)
    qtbot.addWidget(triage)
    triage.save()
    triage.save()
    assert len(runner.jobs) == 1 and not triage.save_button.isEnabled()
    with qtbot.waitSignal(triage.done):
        runner.finish()
    assert len(assessment.load_assessment(session=signed_in, person_id=person_id).contacts) == 1


def test_an_error_goes_when_its_answer_is_changed(qtbot, signed_in):
    """An old error stayed beside a field after it was fixed."""
    from app.services import people
    from app.services.views import PersonInput
    from app.ui.person_view import PersonView

    person = people.create_person(session=signed_in, person=PersonInput(
        given_name="Lee", family_name="Walker", date_of_birth="02/03/1990"))
    view = PersonView(ops=RecordOperations(signed_in), person_id=person.id)
    qtbot.addWidget(view)
    view.show()
    panel = view.open_section("substances")
    days = panel.form.editors[("substances", "alcohol_drinking_days")]
    qtbot.keyClicks(days, "40")
    panel.save()
    error = panel.form.errors[("substances", "alcohol_drinking_days")]
    assert error.isVisibleTo(view) and "28" in error.text()
    qtbot.keyClick(days, "\b")  # 40 -> 4
    assert not error.isVisibleTo(view)
