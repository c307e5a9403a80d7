"""A signed care plan travels to the other laptops unchanged, verifies as trusted there
(organisation certificate issued at enrolment), and can never be changed by sync."""

from __future__ import annotations

import pytest

from app.services import careplan, printing
from app.services.sync import sync_now
from tests.careplan.helpers import add_person, plan_input, signed_inputs

pytestmark = pytest.mark.slow


def test_a_signed_plan_syncs_and_verifies_as_trusted_on_another_laptop(enrol):
    a, b = enrol("ann", "Custody North"), enrol("cal", "Custody North")
    person_id = add_person(a.session)
    draft = careplan.save_plan(session=a.session, person_id=person_id, plan=plan_input())
    person_sig, worker_sig = signed_inputs()
    signed = careplan.sign_version(session=a.session, version_id=draft.id, person=person_sig,
                                   worker=worker_sig)
    pdf = printing.care_plan_pdf(session=a.session, version_id=signed.id).data
    sync_now(session=a.session)
    sync_now(session=b.session)

    on_b = careplan.load_care_plan(session=b.session, person_id=person_id)
    assert [v.number for v in on_b.versions] == [1]
    copy = careplan.get_version(session=b.session, version_id=signed.id)
    assert copy.fingerprint == signed.fingerprint and copy.status == signed.status
    verdict = printing.verify_pdf(data=pdf, session=b.session)
    assert verdict.check.intact and verdict.check.trusted  # trusted via the org CA
    assert verdict.fingerprint_matches and verdict.is_current and verdict.ok


def test_sync_refuses_to_change_a_signed_plan(enrol):
    from app.services.sync import transport_for
    from sync import protocol as p

    a = enrol("ann", "Custody North")
    person_id = add_person(a.session)
    draft = careplan.save_plan(session=a.session, person_id=person_id, plan=plan_input())
    person_sig, worker_sig = signed_inputs()
    signed = careplan.sign_version(session=a.session, version_id=draft.id, person=person_sig,
                                   worker=worker_sig)
    sync_now(session=a.session)
    from app.services.sync import credentials_for
    from tests.sync_rows import required_fields, stamp

    worker = a.session.worker.id  # a real change of a real worker, the content tampered
    tampered = {"change_id": "5b1c9c1e-8c2b-4c43-9b8e-2f3a4d5e6f70",
                "table": "care_plan_versions", "row_id": signed.id, "person_id": person_id,
                "revision_id": "f" * 8, "base_revision_id": None,
                "hlc": stamp(a.session.device_id), "worker_id": worker, "append_only": False,
                "fields": {**required_fields("care_plan_versions", person_id),
                           "status": "draft", "content_json": "{}"}, "linkage_key": None}
    tampered["content_hash"] = p.content_hash(tampered)
    [result] = transport_for(a.session).push(
        [tampered], {worker: credentials_for(session=a.session)[worker]})["results"]
    assert (result["status"], result["code"]) == ("refused", 409)
