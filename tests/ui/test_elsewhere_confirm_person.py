"""Finding someone known to another team.

A match says enough to confirm the person (initials, date of birth and sex from the
linkage key, and the key itself); a blank key says why; a refused fetch sends the worker
to their team lead and only then offers break-glass, with the password again and a
reason; and the dialog keeps its shape from one opening (and one search) to the next.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout

from app.services.sync import ElsewhereMatch, ServerRefused
from app.ui import elsewhere_dialog, operations
from app.ui.elsewhere_dialog import NO_CONSENT, ElsewhereDialog, linkage_facts, match_text
from app.ui.operations import ElsewhereOperations

DARREN = ElsewhereMatch("p-1", "team-2", "DS07031986M")


def _here(work, *, on_success, on_failure) -> None:
    """The network work, run at once on this thread."""
    try:
        result = work()
    except Exception as error:
        on_failure(error)
    else:
        on_success(result)


def _dialog(qtbot, session) -> ElsewhereDialog:
    dialog = ElsewhereDialog(ops=ElsewhereOperations(session), run=_here)
    qtbot.addWidget(dialog)
    return dialog


def _rows(dialog: ElsewhereDialog) -> list[str]:
    form = dialog.findChild(QFormLayout)
    return [form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget().text()
            for row in range(form.rowCount())]


def test_a_match_shows_who_it_is():
    assert linkage_facts("DS07031986M") == "D.S. · born 07/03/1986 · male"
    text = match_text(DARREN)
    assert text.startswith("D.S. · born 07/03/1986 · male — linkage key DS07031986M\n")
    assert "Held by another team" in text and "consent is checked when you fetch" in text


def test_a_blank_key_says_why_not_a_blank():
    text = match_text(ElsewhereMatch("p-1", "team-2", ""))
    assert text.startswith("No linkage key on record (their name, date of birth or sex is "
                           "missing)")
    assert "Linkage key  —" not in text


def test_a_search_lists_the_facts(qtbot, signed_in, monkeypatch):
    monkeypatch.setattr(operations, "find_elsewhere", lambda **_: [DARREN])
    dialog = _dialog(qtbot, signed_in)
    dialog.typed.setText("A1234BC")
    dialog.search()
    assert dialog.results.count() == 1
    assert dialog.results.item(0).text() == match_text(DARREN)
    assert "before you fetch" in dialog.message.text()


def test_a_consent_refusal_sends_to_the_team_lead(qtbot, signed_in, monkeypatch):
    def refuse(**_: object) -> None:
        raise ServerRefused(403, {"error": "consent_required", "message":
                                  "consent does not cover your agency; break glass if you "
                                  "must"})

    monkeypatch.setattr(operations, "find_elsewhere", lambda **_: [DARREN])
    monkeypatch.setattr(operations, "fetch_person", refuse)
    dialog = _dialog(qtbot, signed_in)
    dialog.search()
    dialog.reason.setText("remanded here this morning")
    assert not dialog.glass_button.isVisibleTo(dialog)  # never one click from a search
    dialog.fetch()
    assert dialog.message.text() == NO_CONSENT and "team lead" in NO_CONSENT
    assert dialog.glass_button.isVisibleTo(dialog) and dialog.password.isEnabled()

    broken: list[dict] = []
    monkeypatch.setattr(operations, "break_glass", lambda **given: broken.append(given))
    dialog.break_glass()  # no password typed
    assert broken == [] and "your password" in dialog.message.text()
    dialog.password.setText("correct horse battery")
    dialog.glass_code.setCurrentIndex(dialog.glass_code.findData("medical_emergency"))
    dialog.break_glass()
    assert broken == [{"session": signed_in, "password": "correct horse battery",
                       "person_id": "p-1", "reason_code": "medical_emergency",
                       "reason": "remanded here this morning"}]


def test_the_layout_is_the_same_before_and_after_signing_in(qtbot, signed_in, monkeypatch):
    def found_and_signed_in(**_: object) -> list[ElsewhereMatch]:
        signed_in.server_token = "a server session"  # what the first search leaves
        return [DARREN]

    monkeypatch.setattr(operations, "find_elsewhere", found_and_signed_in)
    first = _dialog(qtbot, signed_in)
    rows = _rows(first)
    assert rows == ["Find by", "Your password", "Reason"]
    assert first.password.isEnabled()
    first.search()
    assert _rows(first) == rows and not first.password.isEnabled()
    second = _dialog(qtbot, signed_in)  # opened again in the same session
    assert _rows(second) == rows
    assert second.password.placeholderText() == elsewhere_dialog.SIGNED_IN_ALREADY
    first.show()
    second.show()
    assert first.sizeHint() == second.sizeHint()
