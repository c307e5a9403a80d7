"""A forgotten password, over a real server and real encrypted laptops: Ann forgets hers;
her team lead Lee, on his own laptop, recovers her laptop's key on the recover-key dialog
(real HTTP) and reads her the code; she types it on her laptop's recovery sign-in with a
new password. Her records are all there, the old password opens nothing, her laptop
still syncs, a mistyped code changed nothing, and the server told the team."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.services import key_recovery, team_desk
from app.services.caseload import caseload
from app.services.errors import ServiceError, SignInRefused
from app.services.key_recovery import RecoveredKey
from app.services.people import create_person
from app.services.sync import sync_now
from app.services.views import PersonInput
from app.ui.operations import DeskOperations
from app.ui.recover_key_dialog import RecoverKeyDialog
from app.ui.recovery_sign_in import RecoverySignInDialog
from tests.e2e.conftest import PASSWORD

pytestmark = pytest.mark.slow

NEW = "harbour pencil meadow nine"



def _lead_reads_the_code(qtbot, lee) -> RecoveredKey:
    dialog = RecoverKeyDialog(ops=DeskOperations(lee.session))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.workers.setCurrentIndex(dialog.workers.findText("Ann"))
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.mouseClick(dialog.find_button, Qt.MouseButton.LeftButton)
    assert [laptop.name for laptop in dialog.laptops] == ["laptop 0", "laptop 1"]
    assert dialog.chosen_laptop() is dialog.laptops[0]  # the one Ann uses, picked for him
    qtbot.keyClicks(dialog.reason, "Ann forgot her password, phoned at 8:05")
    qtbot.mouseClick(dialog.recover_button, Qt.MouseButton.LeftButton)
    assert dialog.recovered is not None, dialog.message.text()
    assert dialog.code_box.isVisible() and not dialog.recover_button.isEnabled()
    return dialog.recovered


def _ann_types(qtbot, ann, code: str) -> RecoverySignInDialog:
    dialog = RecoverySignInDialog(ops=ann.device, username="ann")
    qtbot.addWidget(dialog)
    dialog.show()
    for edit, text in ((dialog.code, code), (dialog.passphrase, NEW),
                       (dialog.confirmation, NEW)):
        qtbot.keyClicks(edit, text)
    qtbot.keyClick(dialog.confirmation, Qt.Key.Key_Return)
    return dialog


def test_a_lead_recovers_a_forgotten_password_and_every_record_survives(qtbot, enrol, server,
                                                                        tmp_path):
    server.admin("create-worker", "--team", "Custody North", "--username", "lee",
                 "--display-name", "Lee", "--role", "team_lead", "--password-stdin",
                 stdin=PASSWORD + "\n")
    ann = enrol("ann", "Custody North")
    person = create_person(session=ann.session, person=PersonInput(
        given_name="Darren", family_name="Smith", date_of_birth="23/11/1984")).id
    assert sync_now(session=ann.session).refused == []
    ann.session.close()  # Ann goes home, and forgets her password overnight
    lee = enrol("lee", "Custody North")
    assert sync_now(session=lee.session).refused == []  # the team's names reach his laptop
    wraps = tmp_path / "laptop-0-ann"

    recovered = _lead_reads_the_code(qtbot, lee)
    assert recovered.laptop_name == "laptop 0" and recovered.worker_name == "Ann"
    code = " ".join(recovered.groups)

    # A group misheard on the phone: refused by its number, and nothing changed.
    before = {p.name: p.read_bytes() for p in wraps.rglob("keywraps.json")}
    misheard = code[:40] + ("X" if code[40] != "X" else "Y") + code[41:]
    wrong = _ann_types(qtbot, ann, misheard)
    assert "group 7" in wrong.errors["code"].text() and wrong.recovered is None
    assert {p.name: p.read_bytes() for p in wraps.rglob("keywraps.json")} == before

    right = _ann_types(qtbot, ann, code)
    assert right.recovered == ("ann", NEW), right.message.text() or right.errors

    session = ann.device.sign_in(username="ann", passphrase=NEW)
    try:
        assert [p.id for p in caseload(session=session)] == [person]
        # Her sync credential is in the store, untouched: the laptop still syncs as her.
        create_person(session=session, person=PersonInput(
            given_name="Kelly", family_name="Brown", date_of_birth="02/02/1990"))
        assert sync_now(session=session).refused == []
    finally:
        session.close()
    with pytest.raises(SignInRefused, match="do not match"):
        ann.device.sign_in(username="ann", passphrase=PASSWORD)

    notes = team_desk.notifications(session=lee.session)
    assert any(n.kind == "key_recovered" and "laptop 0" in n.detail for n in notes)


def test_a_revoked_laptops_key_is_refused_and_cannot_be_chosen(qtbot, enrol, server):
    server.admin("create-worker", "--team", "Custody North", "--username", "lee",
                 "--display-name", "Lee", "--role", "team_lead", "--password-stdin",
                 stdin=PASSWORD + "\n")
    ann = enrol("ann", "Custody North")
    ann.session.close()
    lee = enrol("lee", "Custody North")
    listed_before = key_recovery.team_laptops(session=lee.session, password=PASSWORD)
    server.admin("revoke-device", "--device-id", ann.session.device_id, "--reason",
                 "stolen from car", "--yes")

    # A list read before the revocation: the server itself refuses, in its own words.
    with pytest.raises(ServiceError, match=r"was revoked on .* enrol a new laptop"):
        key_recovery.recover_key(session=lee.session, laptop=listed_before[0],
                                 worker_id=ann.session.worker.id, worker_name="Ann",
                                 reason="Ann forgot her password, phoned at 8:05")

    laptops = key_recovery.team_laptops(session=lee.session)
    assert [(laptop.name, laptop.revoked) for laptop in laptops] == [("laptop 1", False),
                                                                    ("laptop 0", True)]
    dialog = RecoverKeyDialog(ops=DeskOperations(lee.session))
    qtbot.addWidget(dialog)
    dialog._show_laptops(laptops)
    assert "REVOKED" in dialog.laptop_list.item(1).text()
    assert not dialog.laptop_list.item(1).flags() & Qt.ItemFlag.ItemIsEnabled
