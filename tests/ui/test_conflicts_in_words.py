"""The conflicts screen speaks the worker's language.

Value-set labels, not codes; "you" for the signed-in worker's own edit (on any laptop);
laptops as "this laptop" / "another laptop", not id fragments; times in local time; one
conflict per answer (a section's check stamp is settled by itself, the later kept); and
the person view can ask which of a person's fields are in conflict.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.domain.clock import HlcStamp
from app.services import assessment, conflicts, people
from app.services.views import PersonInput
from app.store.person_models import AssessmentValue, SectionConfirmation
from app.store.sync.models import OutboxEntry, SyncConflict
from app.ui.conflicts_view import ConflictsDialog
from app.ui.operations import ConflictOperations, RecordOperations
from sync import protocol as p

OTHER_LAPTOP = str(uuid.uuid4())
# 2026-03-12 13:58 UTC: 19:28 in India (UTC+5:30, no summer time), a zone that shows
# whether a time was turned to local time or printed as UTC.
WRITTEN_MS = int(datetime(2026, 3, 12, 13, 58, tzinfo=UTC).timestamp() * 1000)




def _lee_with_crack(session) -> str:
    lee = people.create_person(session=session, person=PersonInput(
        given_name="Lee", family_name="Walker", date_of_birth="02/03/1990", sex="1"))
    assessment.save_section(session=session, person_id=lee.id, section="substances",
                            typed={"drug1": "crack"})
    return lee.id


def _conflict(session, person_id: str, table: str, row_id: str, field: str, other: object,
              *, worker: str, device: str = OTHER_LAPTOP) -> str:
    """A conflict as a pull stores it: the server kept the record's value, this the other."""
    conflict_id = str(uuid.uuid4())
    with session.transaction() as db:
        db.add(SyncConflict(
            id=conflict_id, table_name=table, row_id=row_id, person_id=person_id,
            revision_id=conflict_id, field=field, kept_value="null",
            other_value=json.dumps(other), other_worker=worker, other_device=device,
            other_hlc=HlcStamp(WRITTEN_MS, 0, device).encode(),
            created_at=datetime.now(UTC).isoformat()))
    return conflict_id


def _answer_conflict(session, person_id: str, other_code: str, *, worker: str) -> str:
    with session.transaction() as db:
        row = db.scalars(select(AssessmentValue).where(
            AssessmentValue.person_id == person_id, AssessmentValue.field == "drug1")).one()
        row_id = row.id
    return _conflict(session, person_id, "assessment_values", row_id, "value_json",
                     json.dumps(other_code), worker=worker)


def _confirmation_conflict(session, person_id: str, later: bool) -> tuple[str, str]:
    with session.transaction() as db:
        row = db.scalars(select(SectionConfirmation).where(
            SectionConfirmation.person_id == person_id)).one()
        row_id, mine = row.id, datetime.fromisoformat(row.confirmed_at)
    theirs = mine.replace(year=mine.year + (1 if later else -1)).isoformat()
    _conflict(session, person_id, "section_confirmations", row_id, "confirmed_at", theirs,
              worker=str(uuid.uuid4()))
    return row_id, theirs


def test_an_answer_conflict_shows_labels_you_and_local_time(qtbot, signed_in, in_india):
    lee = _lee_with_crack(signed_in)
    _answer_conflict(signed_in, lee, "alcohol", worker=signed_in.worker.id)
    dialog = ConflictsDialog(ops=ConflictOperations(signed_in))
    qtbot.addWidget(dialog)
    [card] = dialog.cards
    now, other = card.current_line.text(), card.other_line.text()
    assert now.endswith(": Crack cocaine") and "crack" not in now.replace("Crack", "")
    assert "written by you" in now  # the value in the record is the worker's own too
    assert other == "Also written by you on another laptop, 12/03/2026 19:28: Alcohol"
    assert card.take.text() == "Use your value"
    assert "another worker" not in other and OTHER_LAPTOP[:8] not in other


def test_a_colleagues_edit_names_them(qtbot, signed_in):
    lee = _lee_with_crack(signed_in)
    colleague = str(uuid.uuid4())
    with signed_in.transaction() as db:  # the name came with a synced answer of theirs
        from app.store.person_models import AssessmentHistory

        db.add(AssessmentHistory(person_id=lee, section="substances", field="drug2",
                                 old_json="null", new_json='"heroin"', worker_id=colleague,
                                 worker_name="Cal Jones", device_id=OTHER_LAPTOP,
                                 hlc=HlcStamp(WRITTEN_MS, 0, OTHER_LAPTOP).encode(),
                                 at_utc="2026-03-12T13:58:00+00:00"))
    _answer_conflict(signed_in, lee, "heroin", worker=colleague)
    [view] = conflicts.list_conflicts(session=signed_in)
    assert view.other_worker == "Cal Jones" and not view.other_is_you
    dialog = ConflictsDialog(ops=ConflictOperations(signed_in))
    qtbot.addWidget(dialog)
    [card] = dialog.cards
    assert card.other_line.text().startswith("Also written by Cal Jones on another laptop")
    assert card.take.text() == "Use Cal Jones's value"


@pytest.mark.parametrize("later", [True, False])
def test_a_section_check_stamp_is_settled_by_itself_keeping_the_later(signed_in, later):
    lee = _lee_with_crack(signed_in)
    _answer_conflict(signed_in, lee, "alcohol", worker=signed_in.worker.id)
    row_id, theirs = _confirmation_conflict(signed_in, lee, later=later)
    with signed_in.transaction() as db:
        mine = db.get(SectionConfirmation, row_id).confirmed_at
    assert conflicts.settle_automatic(session=signed_in) == 1
    shown = conflicts.list_conflicts(session=signed_in)
    assert [v.label for v in shown] == ["Substance use: Main problem substance"]  # one
    with signed_in.transaction() as db:
        kept = db.get(SectionConfirmation, row_id).confirmed_at
        open_ = db.scalars(select(SyncConflict.table_name).where(
            SyncConflict.resolved_at.is_(None))).all()
        queued = db.scalars(select(OutboxEntry.table_name).where(
            OutboxEntry.state == "pending")).all()
    assert kept == (theirs if later else mine)
    assert open_ == ["assessment_values"]
    assert p.RESOLUTIONS_TABLE in queued  # the decision reaches the server and the others


def test_the_person_view_can_ask_which_fields_are_in_conflict(signed_in):
    lee = _lee_with_crack(signed_in)
    assert conflicts.fields_in_conflict(session=signed_in, person_id=lee) == set()
    _answer_conflict(signed_in, lee, "alcohol", worker=str(uuid.uuid4()))
    _confirmation_conflict(signed_in, lee, later=True)
    _conflict(signed_in, lee, "people", lee, "town", "Leeds", worker=str(uuid.uuid4()))
    assert conflicts.fields_in_conflict(session=signed_in, person_id=lee) == {
        ("substances", "drug1"), ("person", "town")}


def test_the_dialog_has_a_close_button_that_closes_it(qtbot, signed_in):
    lee = _lee_with_crack(signed_in)
    for _ in range(6):  # enough cards to scroll: the button stays outside the scroll area
        _answer_conflict(signed_in, lee, "alcohol", worker=signed_in.worker.id)
    dialog = ConflictsDialog(ops=ConflictOperations(signed_in))
    qtbot.addWidget(dialog)
    dialog.resize(1280, 720)
    dialog.show()
    qtbot.waitExposed(dialog)
    button = dialog.close_button
    assert button.isVisible() and button.text() == "Close"
    assert dialog.rect().contains(button.geometry().translated(
        button.parentWidget().mapTo(dialog, button.parentWidget().rect().topLeft())))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_the_record_marks_an_answer_in_conflict_and_its_section(qtbot, signed_in):
    """Nothing on the record marked an answer in conflict."""
    from app.ui.assessment_form import CONFLICT_MARK
    from app.ui.person_view import PersonView

    person_id, key = _lee_with_crack(signed_in), ("substances", "drug1")
    _answer_conflict(signed_in, person_id, "alcohol", worker=str(uuid.uuid4()))
    view = PersonView(ops=RecordOperations(signed_in), person_id=person_id)
    qtbot.addWidget(view)
    view.show()
    section, _field = key
    panel = view.open_section(section)
    mark = panel.form.conflict_marks[key]
    assert mark.isVisibleTo(view) and mark.text() == CONFLICT_MARK
    row = signed_in.reference.schema.section_ids.index(section)
    assert view.sections.item(row).text().endswith(" — conflict")
    other = next(k for k in panel.form.editors if k != key)
    assert other not in panel.form.conflict_marks  # only the answer in conflict
