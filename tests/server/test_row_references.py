"""A row that names another row (the appointment an outcome answers, the referral an
update moves on, the form or event a correction supersedes) must name one of the same
person's record: checked on the server through real HTTP, against rows stored before and
rows earlier in the same push."""

from __future__ import annotations

import uuid

import pytest

from tests.server.test_author_names import _outcome, new_person, push_as
from tests.server.test_sync import change


def row(table: str, person_id: str, row_id: str | None = None, **fields) -> dict:
    return change(person_id, row_id=row_id or str(uuid.uuid4()), table=table,
                  append_only=True, fields=fields)


def appointment(person_id: str, row_id: str) -> dict:
    return row("appointments", person_id, row_id, booked_by_name="ann")


REFERRING = [  # (table, field, the table of the row it names, extra fields)
    ("appointment_outcomes", "appointment_id", "appointments", {"recorded_by_name": "ann"}),
    ("appointments", "follows_up_id", "appointments", {"booked_by_name": "ann"}),
    ("top_forms", "supersedes_id", "top_forms", {"recorded_by_name": "ann"}),
    ("journey_events", "supersedes_id", "journey_events", {"recorded_by_name": "ann"}),
    ("referral_updates", "referral_id", "referrals", {"recorded_by_name": "ann"}),
]
NAMES = {"appointments": "booked_by_name", "referrals": "sent_by_name"}


def named(table: str, person_id: str, row_id: str) -> dict:
    return row(table, person_id, row_id, **{NAMES.get(table, "recorded_by_name"): "ann"})


@pytest.mark.parametrize(("table", "field", "target", "extra"), REFERRING)
def test_a_row_naming_another_persons_row_is_refused(world, table, field, target, extra):
    custody = world.enrol("Custody North")
    darren, zoe = new_person(world, custody), new_person(world, custody)
    theirs = str(uuid.uuid4())
    [stored] = push_as(world, custody, ("ann", named(target, darren, theirs)))
    assert _outcome(stored) == ("applied", 201), stored

    refused, own = push_as(world, custody,
                           ("ann", row(table, zoe, **{field: theirs}, **extra)),
                           ("ann", row(table, darren, **{field: theirs}, **extra)))

    assert _outcome(refused) == ("refused", 403), refused
    assert f"{field} names a row of another person's record" in refused["message"]
    assert _outcome(own) == ("applied", 201), own


def test_the_named_row_earlier_in_the_same_push_counts(world):
    custody = world.enrol("Custody North")
    darren, zoe = new_person(world, custody), new_person(world, custody)
    booked = str(uuid.uuid4())
    answer = {"appointment_id": booked, "recorded_by_name": "ann"}

    stored, refused, own = push_as(
        world, custody, ("ann", appointment(darren, booked)),
        ("ann", row("appointment_outcomes", zoe, **answer)),
        ("ann", row("appointment_outcomes", darren, **answer)))

    assert [_outcome(r) for r in (stored, refused, own)] == [
        ("applied", 201), ("refused", 403), ("applied", 201)]


def test_a_row_naming_a_row_the_server_has_not_got_is_taken(world):
    custody = world.enrol("Custody North")
    darren = new_person(world, custody)
    [taken] = push_as(world, custody, ("ann", row(
        "appointment_outcomes", darren, appointment_id=str(uuid.uuid4()),
        recorded_by_name="ann")))
    assert _outcome(taken) == ("applied", 201), taken
