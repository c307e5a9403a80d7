"""Person lookup is limited per worker and per laptop, so the registry cannot be read out;
the team lead hears once per window, not once per refused request."""

from __future__ import annotations

import sqlalchemy as sa

from sync import protocol as p
from sync.server.api import worker_limits
from sync.server.models import AuditEvent
from sync.server.services.call_limits import Limit
from tests.server.conftest import API, clear_of_a_rate_window_edge

PER_MINUTE = worker_limits.LOOKUPS_PER_WORKER[0]


def _lookup(world, headers, n: int):
    # A different linkage key each time: what enumerating the registry looks like.
    key = f"AB{(n % 28) + 1:02d}0{(n // 28) % 9 + 1}1980M"
    return world.client.post(f"{API}{p.LOOKUP_PATH}", headers=headers,
                             json={"linkage_key": key})


def _lead_notes(world, kind):
    lead = world.enrol("Custody North", "lead's laptop")
    notes = world.client.get(f"{API}/team/notifications",
                             headers=lead.headers(world.sign_in(lead, "lee"))).json()
    return [n for n in notes if n["kind"] == kind]


def test_a_worker_is_stopped_after_the_minutes_limit_and_the_lead_told_once(world, db):
    laptop = world.enrol("Custody North")
    headers = laptop.headers(world.sign_in(laptop, "ann"))
    clear_of_a_rate_window_edge(PER_MINUTE.window_s, margin_s=15)
    replies = [_lookup(world, headers, n) for n in range(PER_MINUTE.calls + 10)]
    assert [r.status_code for r in replies] == [200] * PER_MINUTE.calls + [429] * 10
    refused = replies[-1]
    assert refused.json()["error"] == p.ERR_RATE_LIMITED
    assert 1 <= int(refused.headers["Retry-After"]) <= PER_MINUTE.window_s
    limited = db.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "person.lookup_limited")).all()
    assert len(limited) == 1
    notes = _lead_notes(world, "person_lookup_limited")
    assert len(notes) == 1 and notes[0]["worker_id"] == world.workers["ann"]
    # Another worker on another laptop is not held up by ann's limit.
    other = world.enrol("Custody North", "other")
    assert _lookup(world, other.headers(world.sign_in(other, "lee")), 0).status_code == 200


def test_a_laptop_is_limited_whoever_signs_in_on_it(world, monkeypatch):
    monkeypatch.setattr(worker_limits, "LOOKUPS_PER_DEVICE", (Limit(5, 86_400, "a day"),))
    laptop = world.enrol("Custody North")
    ann, lee = (laptop.headers(world.sign_in(laptop, name)) for name in ("ann", "lee"))
    codes = [_lookup(world, ann, n).status_code for n in range(3)]
    codes += [_lookup(world, lee, n).status_code for n in range(3)]
    assert codes == [200] * 5 + [429]
    [note] = _lead_notes(world, "person_lookup_limited")
    assert "laptop" in note["detail"]


def test_the_daily_limit_holds_across_minutes(world, monkeypatch):
    monkeypatch.setattr(worker_limits, "LOOKUPS_PER_WORKER", (Limit(4, 86_400, "a day"),))
    laptop = world.enrol("Custody North")
    headers = laptop.headers(world.sign_in(laptop, "ann"))
    codes = [_lookup(world, headers, n).status_code for n in range(6)]
    assert codes == [200] * 4 + [429] * 2
    assert "a day" in _lookup(world, headers, 9).json()["message"]
