"""TOP forms over a real server and real encrypted laptops: a form recorded on one
laptop charts on a colleague's after both sync, the TOP task closes there too, and a
correction made on the second laptop stands on the first."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from app.domain.journey.kinds import Kind
from app.domain.outcomes.top import Days, FormKind, Rating, Substance, TopForm
from app.domain.tasks import Rule
from app.services import journey, outcomes, people, tasks
from app.services.journey import EventInput
from app.services.sync import sync_now
from app.services.views import PersonInput

pytestmark = pytest.mark.slow


def _synced(*laptops) -> None:
    for laptop in laptops:
        report = sync_now(session=laptop.session)
        assert report.refused == [], report.refused


def _form_tasks(laptop) -> list:
    return [line for line in tasks.team(session=laptop.session)
            if line.task.rule is Rule.OUTCOME_FORM]


def test_a_form_and_its_correction_reach_every_laptop_of_the_team(enrol):
    today = date.today()
    ann, cal = enrol("ann", "Custody North"), enrol("cal", "Custody North")
    person = people.create_person(session=ann.session, person=PersonInput(
        given_name="Darren", family_name="Smith", date_of_birth="23/11/1984")).id
    for kind, details in ((Kind.REFERRAL_RECEIVED, {"source": "63"}), (Kind.TRIAGE_DONE, {})):
        journey.record_event(session=ann.session, person_id=person, typed=EventInput(
            kind, today - timedelta(days=2), "", details))
    _synced(ann, cal)
    assert len(_form_tasks(cal)) == 1  # the start form, due two days ago

    first = outcomes.record(session=ann.session, form=TopForm(
        "", person, FormKind.START, today, use={Substance.OPIATES: Days((7, 7, 6, 5))},
        ratings={Rating.QUALITY_OF_LIFE: 5}))
    _synced(ann, cal)
    seen = outcomes.of_person(session=cal.session, person_id=person)
    assert [(f.id, f.recorded_by) for f in seen.forms] == [(first.id, "Ann")]
    opiates = next(s for s in seen.progress.series if s.name == "use.opiates")
    assert [p.value for p in opiates.points] == [25]
    assert _form_tasks(cal) == []

    right = outcomes.record(session=cal.session, form=replace(
        first, use={Substance.OPIATES: Days((7, 7, 6, 4))}, supersedes=first.id))
    _synced(cal, ann)
    [standing] = outcomes.of_person(session=ann.session, person_id=person).forms
    assert (standing.id, standing.recorded_by, standing.days_using(Substance.OPIATES)) == (
        right.id, "Cal", 24)
