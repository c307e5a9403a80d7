"""The merge dialog: both records side by side, the worker chooses which
one stays, Cancel merges nothing, dates are dd/mm/yyyy, and it fits 1280x720."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QSize, Qt

from app.services import merge, people
from app.services.caseload import caseload
from app.services.views import PersonInput
from app.ui.operations import RecordOperations
from app.ui.person_actions import MergeDialog

SCREEN_ROOM = QSize(1280, 720 - 32)  # less a title bar


@pytest.fixture
def pair(signed_in) -> tuple[str, str]:
    this = people.create_person(session=signed_in, person=PersonInput(
        given_name="Zebedee", family_name="Quartermaine", date_of_birth="14/03/1985",
        pnc_id="2001/0000001Q"))
    other = people.create_person(session=signed_in, person=PersonInput(
        given_name="Zeb", family_name="Quartermain", date_of_birth="15/03/1985",
        prison_number="A1234BC"))
    return this.id, other.id


@pytest.fixture
def dialog(qtbot, signed_in, pair) -> MergeDialog:
    shown = MergeDialog(ops=RecordOperations(signed_in), survivor_id=pair[0])
    qtbot.addWidget(shown)
    shown.show()
    qtbot.keyClicks(shown.search, "quartermane")  # a near spelling finds the other
    shown.results.setCurrentRow(0)
    return shown


def _fact(dialog: MergeDialog, fact: str, column: int) -> str:
    return dialog._fact_labels[(fact, column)].text()


def test_both_records_side_by_side_with_uk_dates(dialog):
    assert dialog.results.item(0).text() == "QUARTERMAIN, Zeb, born 15/03/1985"
    assert _fact(dialog, "Date of birth", 0) == "14/03/1985"
    assert _fact(dialog, "Date of birth", 1) == "15/03/1985"
    assert (_fact(dialog, "PNC ID", 0), _fact(dialog, "Prison number", 1)) \
        == ("2001/0000001Q", "A1234BC")


def test_the_worker_chooses_the_other_record_to_stay(qtbot, dialog, signed_in, pair):
    this, other = pair
    moved_to = []
    dialog.merged_into.connect(moved_to.append)
    qtbot.mouseClick(dialog.keep_other, Qt.MouseButton.LeftButton,
                     pos=QPoint(8, dialog.keep_other.height() // 2))  # on its circle
    qtbot.keyClicks(dialog.reason, "same man: custody record lists both names")
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert [p.id for p in caseload(session=signed_in)] == [other]
    assert [m.merged_id for m in merge.list_merges(session=signed_in, survivor_id=other)] \
        == [this]
    assert moved_to == [other]


def test_by_default_the_record_it_was_opened_from_stays(qtbot, dialog, signed_in, pair):
    qtbot.keyClicks(dialog.reason, "same PNC ID on the custody record")
    dialog.merge_selected()
    assert [p.id for p in caseload(session=signed_in)] == [pair[0]]


def test_cancel_merges_nothing(qtbot, dialog, signed_in):
    qtbot.keyClicks(dialog.reason, "changed my mind")
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert len(caseload(session=signed_in)) == 2


def test_nobody_found_is_said(qtbot, dialog):
    dialog.search.clear()
    qtbot.keyClicks(dialog.search, "Okonkwo")
    assert dialog.results.count() == 0
    assert "Nobody found" in dialog.nobody.text() and not dialog.nobody.isHidden()
    assert not dialog.keep_other.isEnabled() and dialog.keep_this.isChecked()


def test_it_fits_a_1280x720_screen(qtbot, dialog):
    need = dialog.minimumSizeHint()
    assert need.width() <= SCREEN_ROOM.width() and need.height() <= SCREEN_ROOM.height()
    assert dialog.width() <= SCREEN_ROOM.width() and dialog.height() <= SCREEN_ROOM.height()
    for button in (dialog.merge_button, dialog.cancel_button):
        assert button.visibleRegion().boundingRect() == button.rect()
