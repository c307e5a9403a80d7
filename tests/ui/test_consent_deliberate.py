"""Consent is recorded on purpose: which agencies, verbal or written, a review
date, and that it was explained; withdrawal is a separate, confirmed step on the
agency's own row; the printed care plan names the agencies consented to."""

from __future__ import annotations

import io
import uuid
from datetime import date, timedelta

from pypdf import PdfReader
from PySide6.QtCore import Qt

from app.services import careplan, people, printing
from app.services.consent import ConsentInput, record_consent
from app.services.errors import InvalidInput
from app.ui.consent_panel import ConsentPanel
from app.ui.operations import RecordOperations
from sync.protocol.tables import row_problem
from tests.careplan.helpers import add_person, plan_input
from tests.sync_rows import required_fields


def _panel(qtbot, session, person_id) -> ConsentPanel:
    panel = ConsentPanel(ops=RecordOperations(session), person_id=person_id)
    qtbot.addWidget(panel)
    panel.changed.connect(lambda _changed: panel.show_record(
        people.get_person(session=session, person_id=person_id)))
    panel.show_record(people.get_person(session=session, person_id=person_id))
    panel.show()
    return panel


def _consents(session, person_id):
    return people.get_person(session=session, person_id=person_id).person.consents


def test_consent_needs_agencies_how_and_that_it_was_explained(qtbot, signed_in):
    person_id = add_person(signed_in)
    dialog = _panel(qtbot, signed_in, person_id).open_record_dialog()
    qtbot.addWidget(dialog)
    dialog.save()
    assert dialog.result() != dialog.DialogCode.Accepted
    message = dialog.message.text()
    assert "Tick each agency" in message and "verbally or in writing" in message
    assert "explained" in message
    assert _consents(signed_in, person_id) == ()  # nothing recorded by a stray click


def test_recorded_with_how_and_review_date_then_withdrawn_only_when_confirmed(qtbot,
                                                                          signed_in):
    person_id = add_person(signed_in)
    panel = _panel(qtbot, signed_in, person_id)
    assert not panel.withdraw_buttons["probation"].isVisibleTo(panel)  # nothing to withdraw
    where = panel.record_button.mapTo(panel, panel.record_button.rect().center())
    dialog = panel.open_record_dialog()
    qtbot.addWidget(dialog)
    for agency in ("probation", "police"):
        dialog.agencies[agency].setChecked(True)
    dialog.written.setChecked(True)
    review = date.today() + timedelta(days=180)
    dialog.review.setText(f"{review:%d/%m/%Y}")
    dialog.explained.setChecked(True)
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted

    given = {c.agency: c for c in _consents(signed_in, person_id)}
    assert set(given) == {"probation", "police"}
    assert all(c.how == "written" and c.review_on == review for c in given.values())
    assert f"written (Jo Bloggs); review by {review:%d/%m/%Y}" in panel.status["police"].text()
    # The record button stays put; no withdraw button took its place under the pointer.
    assert panel.childAt(where) in (panel.record_button, None) or \
        panel.childAt(where).parent() is panel.record_button

    panel.confirm_withdrawal = lambda name: False
    qtbot.mouseClick(panel.withdraw_buttons["police"], Qt.MouseButton.LeftButton)
    assert {c.agency for c in _consents(signed_in, person_id) if c.withdrawn_on} == set()
    panel.confirm_withdrawal = lambda name: True
    qtbot.mouseClick(panel.withdraw_buttons["police"], Qt.MouseButton.LeftButton)
    withdrawn = [c for c in _consents(signed_in, person_id) if c.withdrawn_on]
    assert [c.agency for c in withdrawn] == ["police"]
    assert "withdrawn" in panel.status["police"].text()
    assert not panel.withdraw_buttons["police"].isVisibleTo(panel)


def test_a_review_date_in_the_past_or_years_away_is_refused(signed_in):
    person_id = add_person(signed_in)
    for typed, words in (("01/01/2020", "not after"),
                         (f"{date.today() + timedelta(days=4 * 365):%d/%m/%Y}", "three years"),
                         ("31/02/2027", "date")):
        try:
            record_consent(session=signed_in, person_id=person_id, typed=ConsentInput(
                ("housing",), "verbal", typed, True))
        except InvalidInput as error:
            assert words in str(error), (typed, str(error))
        else:
            raise AssertionError(f"{typed} was taken")
    assert _consents(signed_in, person_id) == ()


def test_the_printed_plan_names_the_agencies_consented_to(signed_in):
    person_id = add_person(signed_in)
    record_consent(session=signed_in, person_id=person_id,
                   typed=ConsentInput(("probation",), "verbal", "", True))
    version = careplan.save_plan(session=signed_in, person_id=person_id, plan=plan_input())
    pdf = printing.care_plan_pdf(session=signed_in, version_id=version.id)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    text = " ".join(text.split())
    assert f"Consent to share recorded today with: Probation (verbal, given " \
           f"{date.today():%d/%m/%Y})" in text


def test_the_wire_takes_how_and_review_date_and_refuses_anything_else():
    person_id = str(uuid.uuid4())
    fields = {**required_fields("consents", person_id), "how": "verbal",
              "review_on": "2027-12-05"}
    assert row_problem("consents", str(uuid.uuid4()), person_id, fields,
                       append_only=False) is None
    assert "how" in row_problem("consents", str(uuid.uuid4()), person_id,
                                {**fields, "how": "telepathy"}, append_only=False)
