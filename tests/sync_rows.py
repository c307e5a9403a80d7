"""Rows as a laptop would push them, for tests that hand-make changes: every field the
protocol's table rules require, with a value of the right kind (sync.protocol.tables)."""

from __future__ import annotations

import time
import uuid
from typing import Any

STAMP = f"{1764892800000:015d}-00000-{uuid.UUID(int=1)}"
NOW = "2026-12-05T00:00:00+00:00"


def stamp(device_id: str, wall_ms: int | None = None) -> str:
    """An HLC stamp of `device_id` (the server takes a device's own stamps only)."""
    return f"{wall_ms or time.time_ns() // 1_000_000:015d}-00000-{device_id}"


def required_fields(table: str, person_id: str) -> dict[str, Any]:
    # Every syncable row carries its creation stamp; history and commands do not.
    stamped_rows = table not in ("assessment_history", "conflict_resolutions")
    base: dict[str, Any] = {"created_hlc": STAMP} if stamped_rows else {}
    return {**base, **{
        "people": {"given_name": "Ann", "family_name": "Smith"},
        "person_aliases": {"person_id": person_id, "text": "Annie"},
        "consents": {"person_id": person_id, "agency": "probation", "given_on": "2026-01-01",
                     "recorded_by": "Ann"},
        "assessment_values": {"person_id": person_id, "section": "substance",
                              "field": "main", "value_json": '"Alcohol"'},
        "section_confirmations": {"person_id": person_id, "section": "substance",
                                  "confirmed_by_name": "Ann", "confirmed_at": NOW},
        "contacts": {"person_id": person_id, "setting": "custody", "at_utc": NOW,
                     "worker_name": "Ann"},
        "assessment_history": {"person_id": person_id, "section": "substance",
                               "field": "main", "old_json": "null", "new_json": '"Alcohol"',
                               "worker_name": "Ann", "hlc": STAMP, "at_utc": NOW},
        "care_plan_versions": {"person_id": person_id, "number": 1, "content_json": "{}",
                               "created_at": NOW},
        "key_worker_allocations": {"person_id": person_id, "key_worker_id": str(uuid.UUID(int=7)),
                                   "key_worker_name": "Ann", "allocated_by_name": "Ann",
                                   "allocated_at": NOW},
        "journey_events": {"person_id": person_id, "kind": "arrest",
                           "occurred_on": "2026-12-01", "recorded_by_name": "Ann",
                           "recorded_at": NOW},
        **_work_rows(person_id),
    }.get(table, {})}


def _work_rows(person_id: str) -> dict[str, dict[str, Any]]:
    other = str(uuid.UUID(int=9))  # the appointment or referral a row names
    return {
        "appointments": {"person_id": person_id, "on_day": "2026-12-08",
                         "booked_by_name": "Ann", "booked_at": NOW},
        "appointment_outcomes": {"person_id": person_id, "appointment_id": other,
                                 "outcome": "attended", "recorded_on": "2026-12-08",
                                 "recorded_by_name": "Ann", "recorded_at": NOW},
        "referrals": {"person_id": person_id, "service": "housing", "reason": "No fixed abode",
                      "sent_on": "2026-12-01", "sent_by_name": "Ann", "recorded_at": NOW},
        "referral_updates": {"person_id": person_id, "referral_id": other, "status": "accepted",
                             "on_day": "2026-12-02", "recorded_by_name": "Ann",
                             "recorded_at": NOW},
        "keywork_sessions": {"person_id": person_id, "held_on": "2026-12-01",
                             "setting": "prison", "minutes": 45, "session_type": "in_cell",
                             "recorded_by_name": "Ann", "recorded_at": NOW},
        "top_forms": {"person_id": person_id, "kind": "start", "completed_on": "2026-12-01",
                      "measures_json": '{"ratings":{"quality_of_life":12}}',
                      "recorded_by_name": "Ann", "recorded_at": NOW},
        "task_decisions": {"person_id": person_id, "task_key": f"court:{person_id}:x",
                           "kind": "completed", "decided_on": "2026-12-01",
                           "decided_by_name": "Ann", "decided_at": NOW},
    }


def stamped(changes: list[dict[str, Any]], device_id: str,
            worker_id: str | None = None) -> list[dict[str, Any]]:
    """The changes with `device_id`'s own clock stamps and, if given, `worker_id` as their
    author (neither is part of the content hash)."""
    for change in changes:
        change["hlc"] = stamp(device_id)
        if worker_id:
            change["worker_id"] = worker_id
    return changes
