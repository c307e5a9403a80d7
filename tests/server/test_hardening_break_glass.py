"""Break-glass needs the password again, a reason code and a reason in words, and a worker
may break glass only a few times an hour; the team lead hears when the limit is reached."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from sync import protocol as p
from sync.server.api import worker_limits
from sync.server.models import AuditEvent
from sync.server.services import account_limits
from tests.server.conftest import API, PASSWORD, clear_of_a_rate_window_edge, new_person

REASON = "collapsed in cell, needs prescribing history"


@pytest.fixture
def setup(world):
    """(ann's headers on a Custody North laptop, a Prison In-Reach person's id)."""
    custody = world.enrol("Custody North")
    prison = world.enrol("Prison In-Reach")
    person = new_person()
    created = world.client.post(f"{API}/people", json=person,
                                headers=prison.headers(world.sign_in(prison, "bob")))
    assert created.status_code == 201, created.text
    return custody.headers(world.sign_in(custody, "ann")), person["person_id"]


def _glass(world, headers, person_id, **overrides):
    body = {"reason_code": "medical_emergency", "reason": REASON, "password": PASSWORD,
            **overrides}
    return world.client.post(f"{API}/people/{person_id}/break-glass", headers=headers,
                             json=body)


def _events(db, action):
    return db.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


def test_the_reason_code_and_text_reach_the_audit_and_the_leads(world, db, setup):
    headers, person_id = setup
    reply = _glass(world, headers, person_id, reason_code="risk_to_life")
    assert reply.status_code == 200, reply.text
    [event] = _events(db, "person.break_glass")
    assert json.loads(event.detail)["reason"] == f"risk_to_life: {REASON}"
    assert PASSWORD not in event.detail


def test_the_wrong_password_is_refused_and_counts_against_the_account(world, db, setup):
    headers, person_id = setup
    wrong = _glass(world, headers, person_id, password="not my password")
    assert wrong.status_code == 401
    assert wrong.json()["error"] == p.ERR_INVALID_CREDENTIALS
    assert _events(db, "person.break_glass") == []
    assert len(_events(db, "worker.password_confirmation_failed")) == 1
    for _ in range(account_limits.ACCOUNT_FAILURES - 1):
        assert _glass(world, headers, person_id, password="still not").status_code == 401
    # A stolen session cannot be used to guess: the account is now locked everywhere.
    assert _glass(world, headers, person_id).status_code == 429
    laptop = world.enrol("Custody North")
    sign_in = world.client.post(f"{API}/auth/sign-in", headers=laptop.headers(),
                                json={"username": "ann", "password": PASSWORD})
    assert sign_in.status_code == 429


@pytest.mark.parametrize("missing", ["password", "reason_code"])
def test_password_and_reason_code_are_required(world, setup, missing):
    headers, person_id = setup
    body = {"reason_code": "medical_emergency", "reason": REASON, "password": PASSWORD}
    del body[missing]
    reply = world.client.post(f"{API}/people/{person_id}/break-glass", headers=headers,
                              json=body)
    assert reply.status_code == 422
    assert reply.json()["fields"][0]["field"] == f"body.{missing}"


def test_a_reason_code_outside_the_list_is_refused(world, setup):
    headers, person_id = setup
    reply = _glass(world, headers, person_id, reason_code="curiosity")
    assert reply.status_code == 422
    assert reply.json()["fields"][0]["field"] == "body.reason_code"


@pytest.mark.parametrize("reason", [
    "aaaaaaaaaa", "aaa aaa aaa aaa", "aa bb cc dd ee", "1234567890 12345", "x y z w v u t s",
    "emergency emergency emergency",
])
def test_a_reason_that_is_not_words_is_refused(world, setup, reason):
    headers, person_id = setup
    reply = _glass(world, headers, person_id, reason=reason)
    assert reply.status_code == 422
    assert reply.json()["fields"][0]["field"] == "body.reason"


def test_only_a_few_break_glasses_an_hour_and_the_lead_is_told_once(world, db, setup):
    """The review's burst: 15 at once. Three go through; the rest wait for the hour."""
    headers, person_id = setup
    per_hour = worker_limits.BREAK_GLASS_PER_WORKER[0]
    clear_of_a_rate_window_edge(per_hour.window_s, margin_s=30)
    replies = [_glass(world, headers, person_id) for _ in range(15)]
    assert [r.status_code for r in replies] == [200] * per_hour.calls + [429] * (
        15 - per_hour.calls)
    assert 1 <= int(replies[-1].headers["Retry-After"]) <= per_hour.window_s
    assert "an hour" in replies[-1].json()["message"]
    assert len(_events(db, "person.break_glass")) == per_hour.calls
    assert len(_events(db, "person.break_glass_limited")) == 1
    lead = world.enrol("Custody North", "lead's laptop")
    notes = world.client.get(f"{API}/team/notifications",
                             headers=lead.headers(world.sign_in(lead, "lee"))).json()
    limited = [n for n in notes if n["kind"] == "person_break_glass_limited"]
    assert len(limited) == 1
    assert limited[0]["worker_id"] == world.workers["ann"]
    assert "ann" in limited[0]["detail"] and "an hour" in limited[0]["detail"]


def test_the_daily_limit_holds_and_refusals_do_not_use_it_up(world, setup, monkeypatch):
    from sync.server.services.call_limits import Limit

    headers, person_id = setup
    clear_of_a_rate_window_edge(60, margin_s=10)
    monkeypatch.setattr(worker_limits, "BREAK_GLASS_PER_WORKER",
                        (Limit(2, 60, "a minute"), Limit(3, 86_400, "a day")))
    codes = [_glass(world, headers, person_id).status_code for _ in range(4)]
    assert codes == [200, 200, 429, 429]  # the minute's limit: the day has 1 left
    monkeypatch.setattr(worker_limits, "BREAK_GLASS_PER_WORKER",
                        (Limit(3, 86_400, "a day"),))
    codes = [_glass(world, headers, person_id).status_code for _ in range(2)]
    assert codes == [200, 429]
