"""A Required Assessment notice printed from its event: signed, audited, verified."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

import main
from app.domain.journey.kinds import Kind
from app.domain.journey.printable import WARNING
from app.services import printing
from app.services.errors import NotFound
from app.services.journey import EventInput, appointment_text, record_event
from app.services.journey_printing import NoticeCorrected, ra_notice_pdf
from app.store.models import AuditEvent
from tests.careplan.helpers import add_person

TODAY = date(2026, 3, 2)  # a Monday


def _record(session, person_id: str, kind: Kind, on: date = TODAY, place: str = "",
            supersedes: str | None = None, **details):
    return record_event(session=session, person_id=person_id, today=TODAY,
                        typed=EventInput(kind, on, place, details, supersedes))


@pytest.fixture
def notice(signed_in):
    person = add_person(signed_in)
    _record(signed_in, person, Kind.DRUG_TEST, date(2026, 3, 1), "Harlow custody suite",
            opiates="positive", cocaine="negative")
    return _record(signed_in, person, Kind.RA_NOTICE, place="Harlow hub, 1 Market St",
                   notice="RA1", appointment_on="2026-03-05", appointment_at="10:00",
                   assessor="Sam Reid")


def _words(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_appointments_name_the_day() -> None:
    assert appointment_text(date(2026, 3, 5), "10:00") == "Thursday 05/03/2026 at 10:00"
    assert appointment_text(date(2026, 3, 8)) == "Sunday 08/03/2026"


def test_an_ra1_notice_is_built_from_its_event_signed_and_audited(signed_in, notice) -> None:
    document = ra_notice_pdf(session=signed_in, event_id=notice.id)

    words = _words(document.data)
    for shown in ("RA1: Notice of initial assessment", "SMITH, Darren", "2001/0000001Q",
                  "Thursday 05/03/2026 at 10:00", "Harlow hub, 1 Market St", "Sam Reid",
                  "01/03/2026",  # the positive test
                  "02/03/2026", "Jo Bloggs", re.sub(r"\s+", " ", WARNING)):
        assert shown in words, shown
    assert document.kind == "ra_notice" and document.version_id == notice.id
    assert document.suggested_name == "ra1-notice-smith-20260302.pdf"
    with signed_in.transaction(read_only=True) as db:
        last = db.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert (last.action, last.record_type) == ("view", "ra_notice")
    assert notice.id in last.detail


def test_a_signed_notice_verifies_as_intact_and_still_standing(signed_in, notice) -> None:
    data = ra_notice_pdf(session=signed_in, event_id=notice.id).data

    result = printing.verify_pdf(data=data, session=signed_in)
    assert result.ok and result.kind == "ra-notice" and result.is_current
    assert result.headline().startswith("Intact")
    assert "Required Assessment notice RA1" in "\n".join(result.lines())
    assert "The record still stands by this notice." in result.lines()
    unsigned_in = printing.verify_pdf(data=data)  # the CLI before sign-in: integrity only
    assert unsigned_in.check.intact and unsigned_in.lines()[-1].startswith("Whether the record")


def test_verify_command_reads_a_notice(signed_in, notice, tmp_path, capsys) -> None:
    path = tmp_path / "ra1.pdf"
    path.write_bytes(ra_notice_pdf(session=signed_in, event_id=notice.id).data)

    assert main.main(["verify", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Intact") and "Required Assessment notice RA1" in out


def test_a_corrected_notice_is_not_printed_and_its_old_copy_no_longer_stands(
        signed_in, notice) -> None:
    old = ra_notice_pdf(session=signed_in, event_id=notice.id).data
    right = _record(signed_in, notice.person_id, Kind.RA_NOTICE, place="Harlow hub",
                    supersedes=notice.id, notice="RA1", appointment_on="2026-03-06",
                    appointment_at="14:00")

    with pytest.raises(NoticeCorrected):
        ra_notice_pdf(session=signed_in, event_id=notice.id)
    result = printing.verify_pdf(data=old, session=signed_in)
    assert result.check.intact and not result.is_current
    assert "NOT current: the record has corrected or withdrawn this notice." in result.lines()
    assert "Friday 06/03/2026 at 14:00" in _words(
        ra_notice_pdf(session=signed_in, event_id=right.id).data)


def test_only_a_notice_event_prints_as_a_notice(signed_in, notice) -> None:
    arrest = _record(signed_in, notice.person_id, Kind.PRISON_TRIAGE, place="HMP Chelmsford")
    with pytest.raises(NotFound):
        ra_notice_pdf(session=signed_in, event_id=arrest.id)
