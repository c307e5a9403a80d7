"""Journeys for the people benchmark: every person's digest holds a journey of ten events,
as the caseload reads them to show where each person is and what comes next."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from sqlalchemy import insert

from app.domain.journey.digest import to_digest
from app.domain.journey.events import JourneyEvent
from app.domain.journey.kinds import Kind
from app.services.caseload import caseload
from app.store.person_models import PersonDigest

EVENTS_PER_PERSON = 10


def _journey(rng: random.Random, person_id: str, today: date) -> list[JourneyEvent]:
    start = today - timedelta(days=rng.randint(20, 400))
    steps = [
        (Kind.ARREST, 0, "Harlow", {"offence": "theft", "trigger_offence": True}),
        (Kind.DRUG_TEST, 0, "Harlow", {"opiates": "positive", "cocaine": "negative"}),
        (Kind.RA_NOTICE, 0, "Harlow hub", {"notice": "RA1", "appointment_on": (
            start + timedelta(days=3)).isoformat(), "appointment_at": "10:00"}),
        (Kind.RA_NOTICE, 3, "Harlow hub", {"notice": "RA3"}),
        (Kind.COURT_HEARING, 7, "Chelmsford Magistrates", {"outcome": "remanded"}),
        (Kind.PRISON_RECEPTION, 7, "HMP Chelmsford", {}),
        (Kind.PRISON_TRIAGE, 8, "HMP Chelmsford", {}),
        (Kind.EXPECTED_RELEASE, 9, "", {"release_on": (
            start + timedelta(days=rng.randint(15, 500))).isoformat()}),
        (Kind.PRESCRIBED, 9, "", {"medicine": "Methadone 1 mg/ml", "daily_dose": "60 mg",
                                  "prescriber": "Dr Patel"}),
        (Kind.COURT_HEARING, 30, "Basildon Crown", {"outcome": "listed"}),
    ]
    return [JourneyEvent(f"{person_id}-{n}", person_id, kind, start + timedelta(days=days),
                         place, details, recorded_hlc=f"{n:015d}-00000-bench")
            for n, (kind, days, place, details) in enumerate(steps)]


def load(session: object, person_ids: list[str]) -> float:
    """Every person's digest, with their journey; returns the seconds it took."""
    rng, today, started = random.Random(17), date.today(), time.perf_counter()
    rows = [{"person_id": pid, "journey_json": to_digest(_journey(rng, pid, today)),
             "confirmations_json": "{}", "touched_by_json": "[]"} for pid in person_ids]
    with session.transaction() as db:  # type: ignore[attr-defined]
        db.execute(PersonDigest.__table__.delete())
        db.execute(insert(PersonDigest), rows)
    return time.perf_counter() - started


def caseload_calls(session: object, n: int = 100) -> list:
    return [lambda: caseload(session=session)] * n  # type: ignore[arg-type]
