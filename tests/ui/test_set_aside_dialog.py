"""Tools > Conflicts and sync problems lists the rows the server sent that this laptop
could not store: whose, what, why, and that they are kept and tried again. The status
bar counts them."""

from __future__ import annotations

import os
import uuid

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QPushButton

from app.store.sync.store import EncryptedSyncStore
from app.ui.conflicts_view import ConflictsDialog
from app.ui.main_window import MainWindow
from app.ui.operations import ConflictOperations
from tests.services.test_set_aside import answer, page, person, poison_rows


def _receive_poison(session) -> tuple[str, str]:
    """Ann and the six poison rows; returns Ann's id and the id of a person not yet here."""
    store = EncryptedSyncStore(session.open_store)
    ann = person("Ann")
    nobody = str(uuid.uuid4())
    store.apply_page(page([ann, *poison_rows(ann["row_id"]).values()], cursor=1))
    store.apply_page(page([answer(nobody)], cursor=2))
    return ann["row_id"], nobody


def test_rows_not_stored_are_listed_with_whose_what_and_why(qtbot, signed_in):
    _receive_poison(signed_in)
    dialog = ConflictsDialog(ops=ConflictOperations(signed_in))
    qtbot.addWidget(dialog)
    heading, *lines = (label.text() for label in dialog.not_stored)
    assert "Received but not stored (7)" in heading
    assert "Nothing is lost" in heading and "tried again after the next app update" in heading
    assert any(line.startswith("WALKER, Ann — contact, received ") and
               line.endswith(": it came in a form this version cannot store "
                             "(setting missing)") for line in lines)
    assert any(line.startswith("WALKER, Ann — assessment answer") and
               "another record on this laptop already has its place" in line for line in lines)
    assert any(line.startswith("someone not (yet) on this laptop — assessment answer") and
               "belongs to a record this laptop does not hold" in line for line in lines)
    assert any("conflict decision" in line for line in lines)
    assert dialog.try_again is not None
    if os.environ.get("INSIDEOUT_SCREENSHOTS"):  # look at it: 1280x720 is the smallest screen
        dialog.resize(1280, 720)
        dialog.show()
        qtbot.wait(50)
        dialog.grab().save(os.environ["INSIDEOUT_SCREENSHOTS"])


def test_try_again_stores_what_now_can_be_and_lists_the_rest(qtbot, signed_in):
    _, nobody = _receive_poison(signed_in)
    EncryptedSyncStore(signed_in.open_store).apply_page(page([person("Nia", nobody)], cursor=3))
    dialog = ConflictsDialog(ops=ConflictOperations(signed_in))
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.changed):
        dialog.try_again.click()
    assert "Received but not stored (6)" in dialog.not_stored[0].text()
    assert not any(line.text().startswith("WALKER, Nia") for line in dialog.not_stored)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    buttons = [b for b in dialog.findChildren(QPushButton) if b.text() == "Try storing them again"]
    assert buttons == [dialog.try_again]  # refreshed: one button, not one more each time


def test_nothing_set_aside_shows_no_section_and_no_button(qtbot, signed_in):
    dialog = ConflictsDialog(ops=ConflictOperations(signed_in))
    qtbot.addWidget(dialog)
    assert dialog.not_stored == [] and dialog.try_again is None


def test_the_status_bar_counts_rows_not_stored(qtbot, signed_in):
    window = MainWindow(session=signed_in, version="t", idle_minutes=5)
    qtbot.addWidget(window)
    window.show_sync_state("Sync: last 12:04 UTC", "ok")
    assert window.sync_label.text() == "Sync: last 12:04 UTC"
    _receive_poison(signed_in)
    window.show_sync_state("Sync: last 12:05 UTC", "ok")
    assert window.sync_label.text() == ("Sync: last 12:05 UTC · 7 received but not stored — "
                                        "see Tools > Conflicts and sync problems")
    window.show_sync_state("Sync: syncing…", "busy")
    assert window.sync_label.text() == "Sync: syncing…"


def test_the_dialog_closes_by_a_button_a_mouse_can_reach(qtbot, signed_in):
    dialog = ConflictsDialog(ops=ConflictOperations(signed_in))
    qtbot.addWidget(dialog)
    dialog.resize(1280, 720)
    dialog.show()
    assert dialog.rect().contains(dialog.close_button.geometry().center())
    dialog.close_button.click()
    assert not dialog.isVisible()
