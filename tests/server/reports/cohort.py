"""A generated cohort of known outcomes, pushed through the real sync API as laptops push it.

The quarter is 2026Q3 (1 July to 30 September 2026). Groups of identical people, each
with fixed dates; the figures the report must show are worked out by hand from these
groups in expected.py (never by calling the code under test).

A  custody, first seen 10/07/2026: arrested 15/01/2026, 01/04/2026 and 09/07/2026
   (positive test, RA1 for 12/07, RA3, RA4 for 26/07, RA3); referral 10/07, triage 11/07,
   treatment and a community intervention 15/07, open. An arrest on 10/08 entered in
   error. Forms 15/07 and 20/09. Their PII is the distinctive kind no output may hold.
B  prison, first seen 05/07/2026: arrested 18/06, received into prison 20/06; referral
   05/07, triage and a prison intervention 06/07; released 01/08, appointment 04/08
   attended; arrested 01/09, RA1 for 03/09 with nothing after; assessed 11/09;
   discharged 15/09 completed. Forms 06/07 and 15/09.
C  court, first seen 12/08/2026 (a hearing on 11/08): referral 12/08, discharged 20/09
   dropped out before any treatment. No forms. Its size varies (4, 5, 6).
D  other, first seen 20/01/2025: arrested 01/08/2024 and 01/11/2024, into prison 02/11,
   released 20/12/2024; referral 20/01/2025, treatment 25/01; arrested 10/03/2025,
   05/10/2025 and 20/08/2026 (RA1 for 24/08, failed to attend), into prison 21/08/2026
   and discharged "prison" that day, released 10/09 with only a cancelled appointment;
   assessed 30/08. Forms 25/01/2025, 25/04/2025, 25/07/2026 (corrected) and 25/10/2026
   (after the quarter).
E  other, first seen 20/07/2026: referral (GP) 20/07, triage 22/07; one form. An arrest
   on 15/08 was deleted (a tombstone).
F  custody, first seen 01/02/2025 at an arrest (and one on 01/10/2024); nothing since.
G  first seen 15/10/2026, after the quarter, arrested 14/10.
X  a deleted person and Y a person merged into an A person, both arrested in the quarter.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sync import protocol as p
from tests.server.conftest import API
from tests.server.test_sync import change, credential

D = date
NOW = "2026-10-01T09:00:00+00:00"
SIZES = {"A": 8, "B": 6, "C": 5, "D": 5, "E": 5, "F": 3, "G": 2}
# What the people of group A hold; none of it may reach any file the report writes.
PII = {"given_name": "Zebulon", "family_name": "Quasimodo", "date_of_birth": "1984-03-17",
       "pnc_id": "1984/0777777K", "nhs_number": "9434765919", "prison_number": "A7777QZ",
       "address_line1": "12 Xylophone Street", "phone": "07700 900777",
       "contact_notes": "Sleeps at his aunt's on Xylophone Street; fears Mr Pemberton"}
SECRET_WORDS = ("Zebulon", "Quasimodo", "1984-03-17", "17/03/1984", "0777777", "9434765919",
                "A7777QZ", "Xylophone", "Pemberton", "900777", "XYZZY", "violin",
                "Harlow hub", "Crown Court", "Dr Okonkwo")


def use(**days: int) -> dict[str, Any]:
    return {substance: {"weeks": [], "total": n} for substance, n in days.items()}


# (kind, day, measures) of each group's forms, as the laptop writes measures_json.
FORM_A1 = {"use": use(alcohol=10, opiates=20, crack=8, cocaine=0, amphetamines=3),
           "days_injected": 12, "crime_days": {"shoplifting": 10, "drug_selling": 2},
           "ratings": {"psychological_health": 6, "physical_health": 8, "quality_of_life": 5},
           "work_days": 0}
FORM_A2 = {"use": use(alcohol=4, opiates=8, crack=0, cocaine=0, amphetamines=1, cannabis=5),
           "days_injected": 4, "crime_days": {"shoplifting": 2},
           "ratings": {"psychological_health": 10, "physical_health": 9, "quality_of_life": 11},
           "work_days": 3, "education_days": 2}
FORM_B1 = {"use": use(alcohol=0, opiates=24, crack=12, cocaine=4, cannabis=10),
           "days_injected": 0, "crime_days": {"shoplifting": 4},
           "ratings": {"psychological_health": 5, "physical_health": 7, "quality_of_life": 4},
           "work_days": 0, "education_days": 0}
FORM_B2 = {"use": use(alcohol=2, opiates=4, crack=14, cocaine=0, cannabis=10),
           "days_injected": 0, "crime_days": {"shoplifting": 0},
           "ratings": {"psychological_health": 12, "physical_health": 12, "quality_of_life": 14},
           "work_days": 5, "education_days": 6}
FORM_D1 = {"use": use(alcohol=20, opiates=28, crack=0, cocaine=0, cannabis=0),
           "days_injected": 20, "crime_days": {"other_theft": 8, "vehicle_theft": 2},
           "ratings": {"psychological_health": 8, "physical_health": 6, "quality_of_life": 7},
           "work_days": 0, "education_days": 0}
FORM_D2 = {"use": use(alcohol=20, opiates=10, crack=0, cocaine=2, cannabis=0),
           "days_injected": 5, "crime_days": {"other_theft": 12},
           "ratings": {"psychological_health": 7, "physical_health": 10, "quality_of_life": 7},
           "work_days": 0, "education_days": 0}
# Forms that must not count: D's first version of 25/07/2026 (corrected) and 25/10/2026.
FORM_WRONG = {"use": use(alcohol=0, opiates=0, crack=0, cocaine=0, cannabis=0),
              "days_injected": 0, "crime_days": {"other_theft": 0},
              "ratings": {"psychological_health": 20, "physical_health": 20,
                          "quality_of_life": 20}, "work_days": 20, "education_days": 20}
FORM_MIDDLE = {"use": use(opiates=14), "ratings": {"quality_of_life": 1}}


def _ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, 9, tzinfo=UTC).timestamp() * 1000)


@dataclass
class Pushed:
    """What a team's device pushes, in order, and the person ids of each group."""

    device_id: str
    author: str  # recorded_by_name: the pushing worker's name as the server knows it
    changes: list[dict] = field(default_factory=list)
    groups: dict[str, list[str]] = field(default_factory=dict)

    def person(self, group: str, created: date, born: str | None, **extra: Any) -> str:
        pid = str(uuid.uuid4())
        fields = {"created_hlc": f"{_ms(created):015d}-00000-{self.device_id}",
                  "given_name": "Sam", "family_name": "Jones", **extra}
        if born:
            fields["date_of_birth"] = born
        self.changes.append(change(pid, fields=fields))
        self.groups.setdefault(group, []).append(pid)
        return pid

    def _row(self, table: str, pid: str, fields: dict[str, Any]) -> str:
        row_id = str(uuid.uuid4())
        self.changes.append(change(pid, row_id=row_id, table=table, append_only=True,
                                   fields=fields))
        return row_id

    def event(self, pid: str, kind: str, on: date, place: str = "",
              supersedes: str | None = None, deleted: bool = False, **details: Any) -> str:
        fields: dict[str, Any] = {"kind": kind, "occurred_on": on.isoformat(),
                                  "recorded_by_name": self.author, "recorded_at": NOW,
                                  "place": place, "details_json": json.dumps(details)}
        if supersedes:
            fields["supersedes_id"] = supersedes
        if deleted:
            fields["deleted"] = True
        return self._row("journey_events", pid, fields)

    def form(self, pid: str, kind: str, on: date, measures: dict[str, Any],
             supersedes: str | None = None) -> str:
        fields = {"kind": kind, "completed_on": on.isoformat(), "recorded_by_name": self.author,
                  "recorded_at": NOW, "measures_json": json.dumps(measures)}
        if supersedes:
            fields["supersedes_id"] = supersedes
        return self._row("top_forms", pid, fields)

    def appointment(self, pid: str, on: date, outcome: str, recorded_on: date) -> None:
        booked = self._row("appointments", pid, {
            "on_day": on.isoformat(), "at_time": "10:00", "place": "Harlow hub XYZZY",
            "with_whom": "Dr Okonkwo", "what_for": "script review for a violin player",
            "booked_by_name": self.author, "booked_at": NOW})
        self._row("appointment_outcomes", pid, {
            "appointment_id": booked, "outcome": outcome, "recorded_on": recorded_on.isoformat(),
            "recorded_by_name": self.author, "recorded_at": NOW,
            "reason": "he said Mr Pemberton kept him in"})

    def confirmation(self, pid: str, at: str) -> None:
        self.changes.append(change(pid, row_id=str(uuid.uuid4()), table="section_confirmations",
                                   fields={"section": "substance", "confirmed_by_name": "ann",
                                           "confirmed_at": at}))


def push(world, device, pushed: Pushed, username: str) -> None:
    """Every change, stamped in the order made (a laptop's clock: same-day events keep
    their order), in batches; every one must be taken."""
    worker_id, token = credential(world, device, username)
    now_ms = time.time_ns() // 1_000_000
    for n, body in enumerate(pushed.changes):
        body["hlc"] = f"{now_ms:015d}-{n:05d}-{device.id}"
        body["worker_id"] = worker_id
    for start in range(0, len(pushed.changes), p.MAX_PUSH_BATCH):
        batch = pushed.changes[start:start + p.MAX_PUSH_BATCH]
        reply = world.client.post(f"{API}{p.SYNC_PUSH_PATH}", headers=device.headers(),
                                  json={"changes": batch, "credentials": {worker_id: token}})
        assert reply.status_code == 200, reply.text
        refused = [r for r in reply.json()["results"] if r["status"] != "applied"]
        assert not refused, refused[:3]
