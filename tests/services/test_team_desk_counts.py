"""The lead's desk counts each key worker's people from the digest's index, then takes away
the people merged into another record: a merged-away record is nobody's caseload."""

from __future__ import annotations

from app.services import merge, people, team_desk
from app.services.views import PersonInput


def _person(session, given: str, family: str, born: str, seen: tuple[str, ...] = ()) -> str:
    return people.create_person(session=session, person=PersonInput(
        given_name=given, family_name=family, date_of_birth=born), acknowledged_matches=seen,
        reason="a second record on purpose, to merge" if seen else "").id


def test_a_record_merged_into_another_is_not_counted(signed_in):
    kept = _person(signed_in, "Darren", "Smith", "23/11/1984")
    duplicate = _person(signed_in, "Darrel", "Smyth", "23/11/1984", seen=(kept,))
    _person(signed_in, "Kayleigh", "Osei", "02/02/1990")
    [mine] = team_desk.caseload_by_worker(session=signed_in)
    assert mine.people == 3

    merge.merge_people(session=signed_in, survivor_id=kept, merged_id=duplicate,
                       reason="The same man: one record typed at court, one at custody")

    [mine] = team_desk.caseload_by_worker(session=signed_in)
    assert (mine.worker_id, mine.people) == (signed_in.worker.id, 2)
