"""Each PDF read back as text has what it must; the PAdES signature catches one changed byte."""

import io
import re

import pytest
from pypdf import PdfReader

from app.domain.careplan import short_fingerprint
from app.services import assessment, careplan, printing
from tests.careplan.helpers import GOALS, add_person, plan_input, signed_inputs


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def signed_plan(signed_in):
    person_id = add_person(signed_in)
    draft = careplan.save_plan(session=signed_in, person_id=person_id, plan=plan_input())
    person, worker = signed_inputs()
    return careplan.sign_version(session=signed_in, version_id=draft.id, person=person,
                                 worker=worker)


def test_the_signed_plan_pdf_shows_goals_interventions_names_version_and_fingerprint(
        signed_in, signed_plan):
    pdf = printing.care_plan_pdf(session=signed_in, version_id=signed_plan.id)
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == 2
    text = _plain(_text(pdf.data))
    for goal in GOALS:
        assert goal in text
    for shown in ("Substitute prescribing", "Harm reduction and naloxone", "Housing support",
                  "Dr A Okafor", "Priya Shah", "Kit given & shown how to use it",
                  "SMITH, Darren", "23/11/1984", "2001/0000001Q", "A1234BC",
                  "Name: Darren Smith", "Name: Jo Bloggs", "Version 1 — signed",
                  "30/06/2026", "Page 1 of 2", "Page 2 of 2", "I have agreed this care plan"):
        assert shown in text, shown
    fingerprint = signed_plan.fingerprint
    grouped = " ".join(fingerprint[i:i + 4] for i in range(0, 64, 4))
    assert grouped[:39] in text and grouped[40:] in text
    assert short_fingerprint(fingerprint)[:19] in text  # the footer of every page


def test_a_draft_prints_as_a_draft_without_a_fingerprint(signed_in):
    person_id = add_person(signed_in)
    draft = careplan.save_plan(session=signed_in, person_id=person_id, plan=plan_input())
    text = _plain(_text(printing.care_plan_pdf(session=signed_in, version_id=draft.id).data))
    assert "DRAFT, not signed" in text and "no fingerprint until both of you sign" in text


def test_pades_validation_passes_untouched_and_fails_after_one_flipped_byte(signed_in,
                                                                           signed_plan):
    data = printing.care_plan_pdf(session=signed_in, version_id=signed_plan.id).data
    good = printing.verify_pdf(data=data, session=signed_in)
    assert good.ok and good.check.intact and good.check.trusted
    assert good.known and good.fingerprint_matches and good.is_current
    assert (good.record_id, good.version_number) == (signed_plan.person_id, 1)
    flipped = bytearray(data)
    flipped[len(data) // 3] ^= 0x01  # inside the first revision: covered by the signature
    bad = printing.verify_pdf(data=bytes(flipped), session=signed_in)
    assert not bad.ok and not bad.check.intact


def test_appending_after_the_signature_is_caught(signed_in, signed_plan):
    data = printing.care_plan_pdf(session=signed_in, version_id=signed_plan.id).data
    result = printing.verify_pdf(data=data + b"\n% appended\n", session=signed_in)
    assert not result.check.intact


def test_a_superseded_version_verifies_but_is_not_current(signed_in, signed_plan):
    data = printing.care_plan_pdf(session=signed_in, version_id=signed_plan.id).data
    draft = careplan.save_plan(session=signed_in, person_id=signed_plan.person_id,
                               plan=plan_input(goals=("Changed",)))
    person, worker = signed_inputs()
    careplan.sign_version(session=signed_in, version_id=draft.id, person=person, worker=worker)
    result = printing.verify_pdf(data=data, session=signed_in)
    assert result.ok and not result.is_current and result.current_number == 2


def test_without_the_store_integrity_is_checked_but_not_trust(signed_in, signed_plan):
    data = printing.care_plan_pdf(session=signed_in, version_id=signed_plan.id).data
    result = printing.verify_pdf(data=data)
    assert result.check.intact and not result.check.trusted and not result.known


def test_assessment_summary_shows_sections_and_answers(signed_in):
    person_id = add_person(signed_in)
    assessment.save_section(session=signed_in, person_id=person_id, section="housing",
                            typed={"housing_notes": "Sleeping in a tent by the river"})
    pdf = printing.assessment_pdf(session=signed_in, person_id=person_id)
    text = _plain(_text(pdf.data))
    for shown in ("Assessment summary", "SMITH, Darren", "Housing",
                  "Sleeping in a tent by the river", "Confirmed", "by Jo Bloggs", "Page 1 of"):
        assert shown in text, shown
    assert printing.verify_pdf(data=pdf.data, session=signed_in).check.ok


def test_building_pdfs_leaves_nothing_in_the_temp_folder(signed_in, signed_plan, tmp_path,
                                                         monkeypatch):
    import tempfile

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    printing.care_plan_pdf(session=signed_in, version_id=signed_plan.id,
                           purpose=printing.Purpose.PRINT)
    printing.assessment_pdf(session=signed_in, person_id=signed_plan.person_id)
    assert list(scratch.iterdir()) == []
