"""Build a plan on screen, both sign with pen strokes, preview, print to a PDF file printer,
save, and verify — with no PDF left in the temp folder and every step audited."""

import io
import tempfile

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QLineEdit
from sqlalchemy import select

from app.domain.careplan import short_fingerprint
from app.store.models import AuditEvent
from app.ui.careplan_sign import CarePlanSignDialog
from app.ui.main_window import MainWindow
from app.ui.print_preview import PrintPreview
from app.ui.verify_view import VerifyView
from tests.careplan.helpers import add_person
from tests.careplan.test_signature_pad import draw


@pytest.fixture
def scratch_tmp(tmp_path, monkeypatch):
    """Point every temp-folder lookup (Python and Qt read TMPDIR) at an empty folder."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _sign_on_the_pads(qtbot, monkeypatch):
    def ask(**kwargs):
        dialog = CarePlanSignDialog(**kwargs)
        qtbot.addWidget(dialog)
        dialog.show()
        for capture, wiggle in ((dialog.person, 0), (dialog.worker, 25)):
            capture.pad.resize(480, 160)
            draw(qtbot, capture.pad, [(30, 100), (90, 40 + wiggle), (150, 120), (210, 50),
                                      (300, 110 - wiggle), (420, 60)])
            draw(qtbot, capture.pad, [(250, 130), (440, 30)])
        qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
        assert dialog.result() == dialog.DialogCode.Accepted
        return dialog.values()

    monkeypatch.setattr(CarePlanSignDialog, "ask", classmethod(lambda cls, **kw: ask(**kw)))


def _fill_plan(qtbot, form):
    qtbot.keyClicks(form.goals, "Stay off heroin after release")
    form.goals.appendPlainText("Get my own flat near my sister")
    row = form.add_intervention()
    form.table.cellWidget(row, 0).setCurrentIndex(
        form.table.cellWidget(row, 0).findData("housing_support"))
    assert form.table.cellWidget(row, 1).currentData() == "housing"  # agency follows
    owner: QLineEdit = form.table.cellWidget(row, 2)
    qtbot.keyClicks(owner, "Priya Shah")
    qtbot.keyClicks(form.table.cellWidget(row, 3), "30/04/2026")
    qtbot.keyClicks(form.review, "30/06/2026")


def _actions(session):
    with session.transaction() as db:
        return [e.action for e in db.scalars(select(AuditEvent).order_by(AuditEvent.seq))]


def test_plan_signed_on_screen_previewed_printed_saved_and_verified(
        qtbot, signed_in, monkeypatch, tmp_path, scratch_tmp):
    person_id = add_person(signed_in)
    window = MainWindow(session=signed_in, version="t", idle_minutes=5)
    qtbot.addWidget(window)
    window.show()
    tab = window.open_person(person_id).open_care_plan()
    _fill_plan(qtbot, tab.form)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert tab.state.current.number == 1 and tab.state.current.status == "draft"

    _sign_on_the_pads(qtbot, monkeypatch)
    qtbot.mouseClick(tab.sign_button, Qt.MouseButton.LeftButton)
    signed = tab.state.current
    assert signed.status == "signed" and not tab.sign_button.isEnabled()
    assert all(len(s.strokes) == 2 for s in signed.signatures)
    assert "signed and frozen" in tab.status.text()

    with qtbot.waitActive(window):
        window.activateWindow()
    assert window.care_plan_action.shortcut().toString() == "Ctrl+P"
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    preview: PrintPreview = tab.preview
    assert preview is not None and preview.isVisible()
    assert preview.pdf.pageCount() >= 1 and preview.document.version_id == signed.id

    printed = tmp_path / "printed.pdf"

    def file_printer(cls, parent):
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return printer

    monkeypatch.setattr(PrintPreview, "choose_printer", classmethod(file_printer))
    qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
    pages = PdfReader(io.BytesIO(printed.read_bytes())).pages
    assert len(pages) == preview.pdf.pageCount()
    assert pages[0].mediabox.width == pytest.approx(595, abs=2)  # A4, not cropped

    saved = tmp_path / "chosen" / "plan.pdf"
    saved.parent.mkdir()
    monkeypatch.setattr(PrintPreview, "choose_save_path",
                        classmethod(lambda cls, parent, suggested: saved))
    assert preview.save_now() == saved
    assert saved.read_bytes() == preview.document.data

    monkeypatch.setattr(VerifyView, "choose_file", classmethod(lambda cls, parent: saved))
    verify = window.open_verify()
    qtbot.addWidget(verify)
    verify._choose()
    assert verify.headline.text().startswith("Intact")
    assert "This is the current version." in verify.details.text()
    assert "SMITH, Darren" in verify.details.text()
    assert "Common Name" not in verify.details.text()
    assert signed.person_id not in verify.details.text()  # no record ids for a worker

    # A paper copy: the fingerprint's first groups, typed from its footer, find the plan.
    printed_groups = short_fingerprint(signed.fingerprint)[:19]
    qtbot.keyClicks(verify.fingerprint, printed_groups.upper())
    qtbot.keyClick(verify.fingerprint, Qt.Key.Key_Return)
    assert verify.headline.text().startswith("MATCHES: the care plan of SMITH, Darren, version 1")
    assert "This is the current version." in verify.details.text()
    verify.fingerprint.setText("ffff ffff ffff")
    assert verify.check_paper().matches == ()
    assert verify.headline.text().startswith("NO MATCH")
    verify.fingerprint.setText("1a2b")
    assert "at least 8" in verify.check_paper().lines()[0]

    assert [f for f in scratch_tmp.rglob("*") if f.suffix.lower() == ".pdf"] == []
    assert {"print", "export", "verify", "view"} <= set(_actions(signed_in))


def test_editing_after_signing_starts_version_two_on_screen(qtbot, signed_in, monkeypatch):
    person_id = add_person(signed_in)
    window = MainWindow(session=signed_in, version="t", idle_minutes=5)
    qtbot.addWidget(window)
    tab = window.open_person(person_id).open_care_plan()
    _fill_plan(qtbot, tab.form)
    _sign_on_the_pads(qtbot, monkeypatch)
    tab.sign()
    tab.form.goals.appendPlainText("Start college in September")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert [v.number for v in tab.state.versions] == [1, 2]
    assert tab.history.count() == 2 and tab.history.item(0).text().startswith("Version 2")
    assert tab.state.versions[0].status == "signed"
    assert "Start college" not in " ".join(tab.state.versions[0].content.goals)
