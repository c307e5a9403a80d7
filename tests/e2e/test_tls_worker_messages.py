"""A plain-HTTP server address reaches the worker as a message saying what to do, not a crash:
in the enrolment wizard, and on a laptop enrolled over http:// before that was refused."""

from __future__ import annotations

import io

import pytest

import main
from app.config import Settings, resolve_paths
from app.services.errors import SignInRefused
from app.store.keys import KdfParams, SignInServer
from app.store.sync.models import SyncState
from app.ui.controller import AppController
from tests.e2e.conftest import PASSWORD

pytestmark = pytest.mark.slow
REMOTE_HTTP = "http://10.1.2.3:8765"


@pytest.fixture
def controller(qtbot, tmp_path):
    device = main.build_device_service(resolve_paths(tmp_path / "app-laptop"),
                                       kdf=KdfParams.fast_for_tests())
    # IT's install-time default, written before plain HTTP was refused.
    ctrl = AppController(device=device, settings=Settings(server_url=REMOTE_HTTP), version="t")
    yield ctrl
    ctrl.shutdown()


def test_the_wizard_says_to_use_https_and_sends_nothing(qtbot, controller):
    controller.start()
    wizard = controller.first_run
    wizard.next()
    page = wizard.enrol_page
    assert page.server.text() == REMOTE_HTTP
    qtbot.keyClicks(page.code, "AAAAA-BBBBB-CCCCC-DDDDD")
    qtbot.keyClicks(page.username, "ann")
    qtbot.keyClicks(page.password, PASSWORD)
    wizard.next()
    assert wizard.currentPage() is page
    assert "not secure" in page.message.text() and "https://" in page.message.text()
    assert "ask IT" in page.message.text()
    assert page.server.selectedText() == REMOTE_HTTP
    assert not controller._device.is_set_up()


def _move_to_remote_http(laptop) -> None:
    """What a laptop enrolled over http:// to another host holds in its store."""
    with laptop.session.transaction() as db:
        db.merge(SyncState(key="server_url", value=REMOTE_HTTP))
    server = laptop.session.device.sign_in_server()
    laptop.session.device.put_sign_in_server(SignInServer(REMOTE_HTTP, server.key))


def test_sync_from_a_laptop_enrolled_over_http_says_what_to_do(enrol, tmp_path, capsys,
                                                               monkeypatch):
    laptop = enrol("ann", "Custody North")
    _move_to_remote_http(laptop)
    laptop.session.close()
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    code = main.main(["--data-dir", str(tmp_path / "laptop-0-ann"), "sync",
                      "--username", "ann", "--password-stdin"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "not secure (http://)" in err and "Traceback" not in err


def test_a_colleagues_first_sign_in_there_says_what_to_do(enrol):
    laptop = enrol("ann", "Custody North")
    _move_to_remote_http(laptop)
    laptop.session.close()
    with pytest.raises(SignInRefused, match="not secure"):
        laptop.device.sign_in(username="cal", passphrase=PASSWORD)
