"""`main.py enrol` and `main.py sync` end with a documented exit code and one line,
never a traceback: IT runs them from scripts and schedulers."""

from __future__ import annotations

import io
import sys
import uuid

import pytest

import main
from app.config import resolve_paths
from app.services import sync as sync_service
from app.services.device import DeviceService
from app.store.keys import KdfParams
from sync.client.transport import ServerUnreachable
from tests.conftest import PASSPHRASE
from tests.services.test_set_aside import answer, page, person, poison_rows


@pytest.fixture
def enrolled(tmp_path):
    """A laptop's data folder, set up and marked enrolled (no server needed: the
    transport is replaced in each test)."""
    folder = tmp_path / "laptop"
    device = main.build_device_service(resolve_paths(folder), kdf=KdfParams.fast_for_tests())
    session = device.set_up_standalone(full_name="Jo Bloggs", username="jo",
                                       passphrase=PASSPHRASE, confirmation=PASSPHRASE)
    sync_service.remember_enrolment(session, server_url="https://sync.example", token="t",
                                    server_device_id=str(uuid.uuid4()), team_name="North")
    session.close()
    return folder


def _sync(folder, monkeypatch) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSPHRASE + "\n"))
    return main.main(["--data-dir", str(folder), "sync", "--username", "jo",
                      "--password-stdin"])


class PoisonServer:
    """A server that sends one page holding the six rows no laptop could store."""

    def __init__(self) -> None:
        ann = person("Ann")
        self.page = page([ann, *poison_rows(ann["row_id"]).values(), answer(ann["row_id"], "x")],
                         cursor=12)

    def push(self, changes):  # nothing is pending on a new laptop
        raise AssertionError("nothing to push")

    def pull(self, cursor, limit, *, check_scope=True, scope_seen=None):
        return self.page if cursor == 0 else page([], cursor)

    def new_sign_in_key(self):
        raise ServerUnreachable("not in this test")

    def signing_certificate(self, csr_pem):
        raise ServerUnreachable("not in this test")

    def signing_revocations(self):
        raise ServerUnreachable("not in this test")

    def team_workers(self):
        raise ServerUnreachable("not in this test")

    def report_app_version(self, version):
        raise ServerUnreachable("not in this test")


def test_a_page_the_store_cannot_take_whole_still_syncs_and_exits_0(enrolled, monkeypatch,
                                                                    capsys):
    monkeypatch.setattr(sync_service, "transport_for", lambda session: PoisonServer())
    assert _sync(enrolled, monkeypatch) == 0
    out, err = capsys.readouterr()
    assert "sync done: 0 sent, 9 received" in out
    assert "6 received but not stored on this laptop: kept, and tried again after the next " \
           "app update" in out
    assert err == ""


def test_an_unexpected_error_is_one_line_code_4_and_the_traceback_goes_to_the_log(
        enrolled, monkeypatch, capsys):
    values = ", ".join(("Ann Walker", "1990-01-02"))  # not in the source the log quotes

    def broken(**_kwargs):
        raise RuntimeError(f"disk said no\n[parameters: {values}]")

    monkeypatch.setattr(sync_service, "sync_now", broken)
    assert _sync(enrolled, monkeypatch) == main.EXIT_UNEXPECTED == 4
    out, err = capsys.readouterr()
    log = enrolled / "logs" / "headless.log"
    assert err == (f"sync failed: unexpected error: RuntimeError: disk said no "
                   f"(details in {log})\n")
    assert "Traceback" not in out + err
    written = log.read_text()
    assert "in broken" in written and "RuntimeError: disk said no" in written
    assert "Ann Walker" not in written  # a message's later lines may hold a person's details
    assert log.stat().st_mode & 0o077 == 0


def test_enrol_failing_unexpectedly_exits_4(tmp_path, monkeypatch, capsys):
    def broken(self, **_kwargs):
        raise KeyError("escrow")

    monkeypatch.setattr(DeviceService, "enrol", broken)
    monkeypatch.setattr(sys, "stdin", io.StringIO("password\n"))
    code = main.main(["--data-dir", str(tmp_path / "new"), "enrol", "--server",
                      "https://sync.example", "--code", "C", "--username", "ann",
                      "--password-stdin"])
    assert code == 4
    assert capsys.readouterr().err.startswith("enrol failed: unexpected error: KeyError: ")


def test_ctrl_c_exits_130_with_one_line(enrolled, monkeypatch, capsys):
    def interrupted(**_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sync_service, "sync_now", interrupted)
    assert _sync(enrolled, monkeypatch) == 130
    assert capsys.readouterr().err == "sync stopped: interrupted; nothing is lost\n"


def test_the_server_unreachable_is_code_3(enrolled, monkeypatch, capsys):
    class Down(PoisonServer):
        def pull(self, *args, **kwargs):
            raise ServerUnreachable("The server cannot be reached.")

    monkeypatch.setattr(sync_service, "transport_for", lambda session: Down())
    assert _sync(enrolled, monkeypatch) == 3
    assert capsys.readouterr().err == "sync failed: The server cannot be reached.\n"


def test_help_documents_the_exit_codes(capsys):
    with pytest.raises(SystemExit):
        main.main(["--help"])
    out = capsys.readouterr().out
    assert "exit codes of enrol and sync:" in out
    for code in ("0 ", "2 ", "3 ", "4 ", "130 "):
        assert f"\n  {code}" in out
