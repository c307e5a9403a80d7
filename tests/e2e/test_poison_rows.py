"""Rows a laptop cannot store reach a team's laptops from a real server, and the team
keeps syncing: the rows are set aside on each laptop, the good changes around and
after them arrive everywhere.

The server now refuses such rows on push, so they are planted straight into its
database, as an older server or a bug once stored them: a row of `sync_rows` whose seq
is taken from the feed counter the way storage/counters.take_seqs does. Fields are planted as
plaintext JSON, which the server reads as written before sealing (migration 0009)."""

from __future__ import annotations

import json
import uuid

import sqlalchemy as sa

from app.services import assessment, people
from app.services.conflicts import list_not_stored
from app.services.sync import sync_now, sync_status
from app.services.views import PersonInput
from sync import protocol as p

HLC = "001714557600000-00000-" + "0" * 8 + "-0000-4000-8000-" + "0" * 12


def _plant(server, person_id: str, table: str, fields: dict, *, row_id: str | None = None,
           append_only: bool = False) -> str:
    row_id = row_id or str(uuid.uuid4())
    engine = sa.create_engine(server.database_url)
    with engine.begin() as conn:
        seq = conn.execute(sa.text("UPDATE sync_counter SET value = value + 1 WHERE id = 1 "
                                   "RETURNING value")).scalar_one()
        conn.execute(sa.text(
            "INSERT INTO sync_rows (table_name, row_id, person_id, seq, revision_id, hlc, "
            "device_id, worker_id, append_only, fields_json) VALUES (:t, :r, :p, :s, :rev, "
            ":h, :d, :w, :a, :f)"), {
                "t": table, "r": row_id, "p": person_id, "s": seq, "rev": str(uuid.uuid4()),
                "h": HLC, "d": str(uuid.uuid4()), "w": str(uuid.uuid4()), "a": append_only,
                "f": json.dumps(fields)})
    engine.dispose()
    return row_id


def _plant_poison(server, lee_id: str, answer_row: dict) -> None:
    """The six kinds of row the outside review found, as the server once held them."""
    stamp = {"created_hlc": HLC}
    _plant(server, lee_id, "people", {}, row_id=str(uuid.uuid4()))  # people, no fields
    _plant(server, lee_id, "assessment_values", {  # an answer naming an unknown person
        **stamp, "person_id": str(uuid.uuid4()), "section": "housing", "field": "x",
        "value_json": '"y"'})
    _plant(server, lee_id, p.CONFLICTS_TABLE, {})  # a conflict with no fields
    _plant(server, lee_id, "care_plan_versions", {  # an integer of 2**70
        **stamp, "person_id": lee_id, "number": 2**70, "content_json": "{}",
        "created_at": "2024-05-01T10:00:00+00:00"})
    _plant(server, lee_id, "contacts", {  # a contact without its setting
        **stamp, "person_id": lee_id, "at_utc": "2024-05-01T10:00:00+00:00",
        "worker_name": "Ann"})
    _plant(server, lee_id, "assessment_values", {  # a second answer for the same field
        **stamp, "person_id": lee_id, "section": answer_row["section"],
        "field": answer_row["field"], "value_json": '"a second answer"'})


def _housing(session, person_id: str) -> str:
    return assessment.load_assessment(session=session, person_id=person_id).values[
        "housing"]["housing_notes"]


def test_two_laptops_keep_syncing_past_rows_they_cannot_store(server, enrol):
    ann, cal = enrol("ann", "Custody North"), enrol("cal", "Custody North")
    lee = people.create_person(session=ann.session, person=PersonInput(
        given_name="Lee", family_name="Walker"))
    assessment.save_section(session=ann.session, person_id=lee.id, section="housing",
                            typed={"housing_notes": "tent"})
    sync_now(session=ann.session)
    _plant_poison(server, lee.id, {"section": "housing", "field": "housing_notes"})

    # Good changes after the poison, from the other laptop.
    sync_now(session=cal.session)
    assessment.save_section(session=cal.session, person_id=lee.id, section="housing",
                            typed={"housing_notes": "hostel on North Hill"})
    sync_now(session=cal.session)
    report = sync_now(session=ann.session)  # before the fix: IntegrityError, every time

    for laptop in (ann, cal):
        assert _housing(laptop.session, lee.id) == "hostel on North Hill"
        held = list_not_stored(session=laptop.session)
        assert len(held) == 6, [h.reason for h in held]
        assert sync_status(session=laptop.session).pending == 0
    assert report.pulled >= 1

    # And every later sync goes on as usual, both ways.
    assessment.save_section(session=ann.session, person_id=lee.id, section="housing",
                            typed={"housing_notes": "flat on Mill Road"})
    sync_now(session=ann.session)
    sync_now(session=cal.session)
    assert _housing(cal.session, lee.id) == "flat on Mill Road"
    assert len(list_not_stored(session=cal.session)) == 6  # kept, not piling up again
