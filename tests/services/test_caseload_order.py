"""The caseload: latest contact first, then everyone never contacted by name; merged and
deleted records never, and the limit holds across both parts (the two-query split)."""

import time

from app.services import assessment, people
from app.services.caseload import caseload
from app.services.views import PersonInput


def _add(session, given, family, dob):
    return people.create_person(session=session, person=PersonInput(
        given_name=given, family_name=family, date_of_birth=dob)).id


def test_latest_contact_first_then_by_name_and_the_limit_spans_both(signed_in):
    zed = _add(signed_in, "Zed", "Adams", "01/01/1980")
    amy = _add(signed_in, "Amy", "Young", "02/02/1981")
    _add(signed_in, "Bob", "Carter", "03/03/1982")
    _add(signed_in, "Cat", "Baker", "04/04/1983")
    assessment.record_contact(session=signed_in, person_id=zed, setting="custody")
    time.sleep(1.05)  # contacts are stamped to the second
    assessment.record_contact(session=signed_in, person_id=amy, setting="court")  # later
    names = [p.family_name for p in caseload(session=signed_in)]
    assert names == ["Young", "Adams", "Baker", "Carter"]
    assert [p.family_name for p in caseload(session=signed_in, limit=3)] == \
        ["Young", "Adams", "Baker"]
    assert [p.family_name for p in caseload(session=signed_in, limit=1)] == ["Young"]
