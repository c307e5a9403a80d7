"""A signed version is frozen: every service call and the database itself refuse to change it."""

import pytest
import sqlalchemy as sa

from app.services import careplan
from app.services.careplan import (
    CarePlanInput,
    InterventionInput,
    SignatureInput,
    SignedPlanFrozen,
)
from app.services.errors import InvalidInput
from tests.careplan.helpers import add_person, plan_input, signed_inputs


@pytest.fixture
def person_id(signed_in):
    return add_person(signed_in)


def _signed(session, person_id):
    draft = careplan.save_plan(session=session, person_id=person_id, plan=plan_input())
    person, worker = signed_inputs()
    return careplan.sign_version(session=session, version_id=draft.id, person=person,
                                 worker=worker)


def test_saving_twice_edits_one_draft_then_signing_freezes_it(signed_in, person_id):
    first = careplan.save_plan(session=signed_in, person_id=person_id, plan=plan_input())
    again = careplan.save_plan(session=signed_in, person_id=person_id,
                               plan=plan_input(goals=("Stay clean",)))
    assert again.id == first.id and again.number == 1
    assert again.content.goals == ("Stay clean",)
    person, worker = signed_inputs()
    signed = careplan.sign_version(session=signed_in, version_id=first.id, person=person,
                                   worker=worker)
    assert signed.status == "signed" and len(signed.fingerprint) == 64
    assert {s.role for s in signed.signatures} == {"person", "worker"}
    assert [s.signer_name for s in signed.signatures] == ["Darren Smith", "Jo Bloggs"]


def test_a_change_after_signing_is_a_new_version_that_supersedes_it(signed_in, person_id):
    signed = _signed(signed_in, person_id)
    newer = careplan.save_plan(session=signed_in, person_id=person_id,
                               plan=plan_input(goals=("A new goal",)))
    assert newer.number == 2 and newer.supersedes_id == signed.id and newer.status == "draft"
    view = careplan.load_care_plan(session=signed_in, person_id=person_id)
    assert [v.number for v in view.versions] == [1, 2]  # history shows every version
    assert view.current_signed.id == signed.id
    assert careplan.get_version(session=signed_in, version_id=signed.id) == signed


def test_no_service_call_changes_a_signed_version(signed_in, person_id):
    signed = _signed(signed_in, person_id)
    changed = plan_input(goals=("Something else entirely",))
    with pytest.raises(SignedPlanFrozen):
        careplan.update_draft(session=signed_in, version_id=signed.id, plan=changed)
    person, worker = signed_inputs()
    with pytest.raises(SignedPlanFrozen):
        careplan.sign_version(session=signed_in, version_id=signed.id, person=person,
                              worker=worker)
    careplan.save_plan(session=signed_in, person_id=person_id, plan=changed)
    assert careplan.get_version(session=signed_in, version_id=signed.id) == signed


def test_the_database_refuses_to_rewrite_a_signed_version_or_a_signature(signed_in,
                                                                         person_id):
    signed = _signed(signed_in, person_id)
    for statement in (
        "UPDATE care_plan_versions SET content_json = '{}' WHERE id = :v",
        "DELETE FROM care_plan_versions WHERE id = :v",
        "UPDATE care_plan_signatures SET signer_name = 'x' WHERE version_id = :v",
        "DELETE FROM care_plan_signatures WHERE version_id = :v",
    ):
        with pytest.raises(sa.exc.DatabaseError, match=r"signed|append-only"), \
                signed_in.transaction() as db:
            db.execute(sa.text(statement), {"v": signed.id})
    assert careplan.get_version(session=signed_in, version_id=signed.id) == signed


def test_declined_and_unable_need_a_reason_and_an_empty_pad_is_refused(signed_in, person_id):
    draft = careplan.save_plan(session=signed_in, person_id=person_id, plan=plan_input())
    _, worker = signed_inputs()
    for person in (SignatureInput(kind="declined"), SignatureInput(kind="signed")):
        with pytest.raises(InvalidInput) as refused:
            careplan.sign_version(session=signed_in, version_id=draft.id, person=person,
                                  worker=worker)
        assert "person" in refused.value.problems
    done = careplan.sign_version(
        session=signed_in, version_id=draft.id, worker=worker,
        person=SignatureInput(kind="unable", reason="Too unwell to hold a pen"))
    person_sig = next(s for s in done.signatures if s.role == "person")
    assert person_sig.kind == "unable" and person_sig.strokes == ()
    assert person_sig.reason == "Too unwell to hold a pen"


def test_what_was_typed_is_checked_against_the_catalogue(signed_in, person_id):
    bad = CarePlanInput(goals=(" ",), review_date="31/02/2026", interventions=(
        InterventionInput("astrology", "police", ""),))
    with pytest.raises(InvalidInput) as refused:
        careplan.save_plan(session=signed_in, person_id=person_id, plan=bad)
    assert set(refused.value.problems) == {"goals", "review_date", "interventions.0.code",
                                           "interventions.0.owner"}
    assert careplan.load_care_plan(session=signed_in, person_id=person_id).versions == ()


def test_catalogue_has_every_intervention_the_issue_lists():
    labels = " ".join(i.label.lower() for i in careplan.catalogue().interventions)
    for word in ("counselling", "psychosocial", "substitute prescribing", "detox",
                 "residential", "naloxone", "blood-borne", "education", "training",
                 "employment", "housing", "life skills", "mutual aid", "young people"):
        assert word in labels
    assert len(careplan.catalogue().agencies.codes) == 7
