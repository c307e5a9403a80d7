"""Tools > Conflicts and sync problems lists the changes the server would not take: whose,
what, when and why; they stay on the laptop. The status bar sends the worker there."""

from __future__ import annotations

from app.services import people
from app.services.views import PersonInput
from app.store.sync.store import EncryptedSyncStore
from app.ui.conflicts_view import ConflictsDialog
from app.ui.operations import ConflictOperations

REASON = "too large for the server to take (1100 KB): ask IT to raise the server's body limit"


def _refuse_one(session) -> str:
    store = EncryptedSyncStore(session.open_store)
    [change, *_] = store.pending_changes(10)
    store.record_results([{"change_id": change["change_id"], "status": "refused",
                           "code": 413, "message": REASON, "revision_id": None,
                           "conflicts": 0}])
    return change["change_id"]


def test_a_refused_change_is_listed_with_whose_it_is_and_why(qtbot, signed_in):
    people.create_person(session=signed_in, person=PersonInput(
        given_name="Lee", family_name="Walker", date_of_birth="02/03/1990", sex="1"))
    _refuse_one(signed_in)
    dialog = ConflictsDialog(ops=ConflictOperations(signed_in))
    qtbot.addWidget(dialog)
    heading, line = (label.text() for label in dialog.refused)
    assert "Not accepted by the server (1)" in heading and "nothing is lost" in heading
    assert line.startswith("WALKER, Lee — personal details, written ")
    assert REASON in line and "(code 413)" in line
    assert EncryptedSyncStore(signed_in.open_store).counts()["refused"] == 1  # still kept


def test_nothing_refused_and_no_conflicts_says_so(qtbot, signed_in):
    from PySide6.QtWidgets import QLabel

    dialog = ConflictsDialog(ops=ConflictOperations(signed_in))
    qtbot.addWidget(dialog)
    assert dialog.refused == []
    assert dialog.findChild(QLabel, "emptyState").text() == "No conflicts. Everything agrees."


def test_a_refused_change_for_someone_no_longer_held_still_shows(qtbot, signed_in):
    from app.store.models import Person as PersonRow

    for given in ("Lee", "Ann"):
        people.create_person(session=signed_in, person=PersonInput(
            given_name=given, family_name="Walker", date_of_birth="02/03/1990", sex="1"))
    store = EncryptedSyncStore(signed_in.open_store)
    changes = store.pending_changes(10)
    store.record_results([{"change_id": c["change_id"], "status": "refused", "code": 413,
                           "message": REASON, "revision_id": None, "conflicts": 0}
                          for c in changes if c["table"] == "people"])
    gone = next(c["person_id"] for c in changes if c["fields"].get("given_name") == "Ann")
    with signed_in.transaction() as db:  # moved to another team and dropped here
        db.get(PersonRow, gone).deleted = True
    dialog = ConflictsDialog(ops=ConflictOperations(signed_in))
    qtbot.addWidget(dialog)
    lines = sorted(label.text().split(" — ")[0] for label in dialog.refused[1:])
    assert lines == ["WALKER, Lee", "someone no longer on this laptop"]
