"""Merging two records of one person keeps everything and can be undone."""

from app.services import assessment, merge, people
from app.services.caseload import caseload, search_people
from app.services.views import PersonInput


def _two_records(session):
    custody = people.create_person(session=session, person=PersonInput(
        given_name="Darren", family_name="Smith", date_of_birth="23/11/1984", sex="1"))
    prison = people.create_person(session=session, person=PersonInput(
        given_name="Daz", family_name="Smith", prison_number="A1234BC"),
        acknowledged_matches=[custody.id])
    assessment.save_section(session=session, person_id=custody.id, section="housing",
                            typed={"accommodation_need": "1", "housing_notes": "tent"})
    assessment.save_section(session=session, person_id=prison.id, section="housing",
                            typed={"housing_notes": "cell B2"})
    assessment.save_section(session=session, person_id=prison.id, section="risk",
                            typed={"overdose_risk": "high"})
    return custody, prison


def test_a_merge_keeps_every_value_of_both_records(signed_in):
    custody, prison = _two_records(signed_in)
    before = {pid: assessment.load_assessment(session=signed_in, person_id=pid).values
              for pid in (custody.id, prison.id)}
    merge.merge_people(session=signed_in, survivor_id=custody.id, merged_id=prison.id,
                       reason="same person: prison number matches custody record")
    view = assessment.load_assessment(session=signed_in, person_id=custody.id)
    assert view.values["housing"] == {"accommodation_need": "1", "housing_notes": "tent"}
    assert view.values["risk"] == {"overdose_risk": "high"}
    assert view.also_recorded[("housing", "housing_notes")] == ("cell B2",)
    every_value = {(s, f, v) for values in before.values()
                   for s, fields in values.items() for f, v in fields.items()}
    shown = {(s, f, v) for s, fields in view.values.items() for f, v in fields.items()}
    shown |= {(s, f, v) for (s, f), vs in view.also_recorded.items() for v in vs}
    assert every_value <= shown
    assert [p.id for p in caseload(session=signed_in)] == [custody.id]
    assert [p.id for p in search_people(session=signed_in, text="A1234BC")] == []
    record = people.get_person(session=signed_in, person_id=custody.id)
    assert record.merged_from == (prison.id,)


def test_undo_restores_both_records_exactly(signed_in):
    custody, prison = _two_records(signed_in)
    before = {pid: assessment.load_assessment(session=signed_in, person_id=pid).values
              for pid in (custody.id, prison.id)}
    merge_id = merge.merge_people(session=signed_in, survivor_id=custody.id,
                                  merged_id=prison.id, reason="looked the same")
    merge.undo_merge(session=signed_in, merge_id=merge_id)
    after = {pid: assessment.load_assessment(session=signed_in, person_id=pid).values
             for pid in (custody.id, prison.id)}
    assert after == before
    assert {p.id for p in caseload(session=signed_in)} == {custody.id, prison.id}
    assert [p.id for p in search_people(session=signed_in, text="A1234BC")] == [prison.id]
    assert people.get_person(session=signed_in, person_id=prison.id).merged_into is None
