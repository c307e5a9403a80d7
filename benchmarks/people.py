"""Assessment-issue figures: search among 100,000 people, save a section, open a long record."""

from __future__ import annotations

import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert

import main
from app.config import resolve_paths
from app.domain.identifiers import nhs_check_digit, pnc_check_letter
from app.services import assessment, people
from app.services.caseload import caseload, search_people
from app.services.views import PersonInput
from app.store.keys import KdfParams
from app.store.models import Person as PersonRow
from app.store.people_repo import PeopleRepository
from benchmarks import journeys, worklist
from benchmarks.table import Row, median_ms, p95_ms

GIVEN = ["John", "Darren", "Lee", "Michelle", "Sarah", "Kelly", "Paul", "Mark", "Dean", "Wayne",
         "Gemma", "Lisa", "Craig", "Jason", "Emma", "Kirsty", "Ryan", "Jade", "Shane", "Leanne"]
FAMILY = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
          "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
          "Hall", "Wood", "Jackson", "Clarke", "Hughes", "Edwards", "Turner", "Hill", "Moore"]
PEOPLE = 100_000


def _identifiers(rng: random.Random, n: int) -> tuple[str, str, str]:
    year, serial = rng.randint(1990, 2025), rng.randint(1, 9_999_999)
    pnc = f"{year}/{serial:07d}{pnc_check_letter(year, serial)}"
    while True:
        nine = f"{rng.randint(100_000_000, 999_999_999)}"
        check = nhs_check_digit(nine)
        if check is not None:
            break
    prison = f"{chr(65 + n % 26)}{n % 10_000:04d}{chr(65 + n % 23)}{chr(66 + n % 19)}"
    return pnc, nine + str(check), prison


def _row(rng: random.Random, n: int) -> dict[str, object]:
    pnc, nhs, prison = _identifiers(rng, n)
    dob = date(1960, 1, 1) + timedelta(days=rng.randint(0, 16_000))
    stamp = f"{n:015d}-00000-bench"
    suffix = "" if n % 4 else rng.choice(["e", "son", "ley"])  # Smithe, Jonesson: near-misses
    return {"id": f"00000000-0000-4000-8000-{n:012d}", "revision_id": f"rev-{n}",
            "created_hlc": stamp, "updated_hlc": stamp, "device_id": "bench",
            "worker_id": "bench", "deleted": False, "given_name": rng.choice(GIVEN),
            "family_name": rng.choice(FAMILY) + suffix,
            "date_of_birth": dob.isoformat(), "sex": rng.choice("12"), "pnc_id": pnc,
            "nhs_number": nhs, "prison_number": prison}


def _load_people(session: object, count: int) -> list[dict[str, object]]:
    """Bulk-load through the same indexes the app keeps (blocking keys and FTS)."""
    rng = random.Random(7)
    rows = [_row(rng, n) for n in range(count)]
    with session.transaction() as db:  # type: ignore[attr-defined]
        db.execute(insert(PersonRow), rows)
        ids = [str(r["id"]) for r in rows]
        PeopleRepository(db).reindex_many(ids, new=set(ids))
    return rows


def _queries(rows: list[dict[str, object]], n: int = 300) -> list[str]:
    rng = random.Random(11)
    picks = [rng.choice(rows) for _ in range(n)]
    kinds = [lambda r: str(r["family_name"])[:4],
             lambda r: f"{r['given_name']} {r['family_name']}",
             lambda r: str(r["pnc_id"]), lambda r: str(r["nhs_number"]),
             lambda r: str(r["prison_number"]).lower()]
    return [kinds[i % len(kinds)](row) for i, row in enumerate(picks)]


# What the trial typed: a surname spelt as it sounds, a date of birth in
# each usual format, and a near name with its date of birth.
_SOUNDS_LIKE = {"Smith": "Smyth", "Jones": "Joanes", "Taylor": "Tailor", "Brown": "Broun",
                "Davies": "Davis", "Wright": "Right", "Thompson": "Thompsen", "Clarke": "Clark",
                "Hughes": "Hughez", "Moore": "Moor"}


def _near_queries(rows: list[dict[str, object]], n: int = 300) -> list[str]:
    rng = random.Random(13)
    picks = [r for r in (rng.choice(rows) for _ in range(n * 3))
             if str(r["family_name"]) in _SOUNDS_LIKE][:n]
    born = lambda r: date.fromisoformat(str(r["date_of_birth"]))  # noqa: E731
    kinds = [lambda r: _SOUNDS_LIKE[str(r["family_name"])],
             lambda r: f"{born(r):%d/%m/%Y}", lambda r: f"{born(r):%-d/%-m/%y}",
             lambda r: born(r).isoformat(),
             lambda r: f"{_SOUNDS_LIKE[str(r['family_name'])]} {born(r):%d/%m/%Y}"]
    return [kinds[i % len(kinds)](row) for i, row in enumerate(picks)]


def _timed(calls: list) -> list[float]:
    samples = []
    for call in calls:
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def rows() -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        device = main.build_device_service(resolve_paths(Path(tmp)),
                                           kdf=KdfParams.fast_for_tests())
        session = device.set_up_standalone(full_name="Bench Worker", username="bench",
                                           passphrase="kettle custody 42 lamp",
                                           confirmation="kettle custody 42 lamp")
        started = time.perf_counter()
        people_rows = _load_people(session, PEOPLE)
        load_seconds = time.perf_counter() - started
        queries = _queries(people_rows)
        found = [bool(search_people(session=session, text=q)) for q in queries]
        assert all(found), "a search for an existing person found nothing"
        search = _timed([lambda q=q: search_people(session=session, text=q) for q in queries])
        near = _near_queries(people_rows)
        assert all(search_people(session=session, text=q) for q in near), "near search missed"
        near_search = _timed([lambda q=q: search_people(session=session, text=q)
                              for q in near])
        match = _timed([lambda r=r: people.find_matches(session=session, person=PersonInput(
            given_name=str(r["given_name"]), family_name=str(r["family_name"]),
            date_of_birth=date.fromisoformat(str(r["date_of_birth"])).strftime("%d/%m/%Y")))
            for r in random.Random(3).sample(people_rows, 100)])
        targets = random.Random(5).sample(people_rows, 200)
        save = _timed([lambda r=r, i=i: assessment.save_section(
            session=session, person_id=str(r["id"]), section="housing",
            typed={"accommodation_need": "123"[i % 3], "housing_notes": f"note {i}"})
            for i, r in enumerate(targets)])
        long_id = str(people_rows[0]["id"])
        for i in range(300):  # 300 visits x 4 fields: 1,200 history entries
            assessment.save_section(session=session, person_id=long_id, section="substances",
                                    typed={"alcohol_drinking_days": str(1 + i % 27),
                                           "alcohol_units_per_day": str(i % 40),
                                           "tobacco_per_day": str(i % 30),
                                           "substances_notes": f"visit {i}"})
        open_long = _timed([lambda: (people.get_person(session=session, person_id=long_id),
                                     assessment.load_assessment(session=session,
                                                                person_id=long_id),
                                     assessment.person_history(session=session,
                                                               person_id=long_id))] * 20)
        journeys_seconds = journeys.load(session, [str(r["id"]) for r in people_rows])
        assert all(row.setting != "unknown" for row in caseload(session=session))
        listed = _timed(journeys.caseload_calls(session))
        search_journeys = _timed([lambda q=q: search_people(session=session, text=q)
                                  for q in queries])
        work = worklist.rows(session, [str(r["id"]) for r in people_rows])
        session.close()
    return [
        Row(f"bulk-load {PEOPLE:,} people with search and match indexes (setup)",
            f"{load_seconds:.1f} s", "", None),
        Row("search among 100,000 people (name/PNC/NHS/prison no.), p95",
            f"{p95_ms(search):.1f} ms", "30 ms", p95_ms(search) <= 30),
        Row("search by sound-alike name or date of birth (3 formats), p95",
            f"{p95_ms(near_search):.1f} ms", "30 ms", p95_ms(near_search) <= 30),
        Row("find-before-create among 100,000 people, p95", f"{p95_ms(match):.1f} ms", "",
            None),
        Row("save one assessment section, p95", f"{p95_ms(save):.1f} ms", "15 ms",
            p95_ms(save) <= 15),
        Row("open a person with 1,200 history entries (median)",
            f"{median_ms(open_long):.1f} ms", "", None),
        Row(f"give {PEOPLE:,} people a journey of {journeys.EVENTS_PER_PERSON} events (setup)",
            f"{journeys_seconds:.1f} s", "", None),
        Row("caseload of 200 with each one's setting and next key date, p95",
            f"{p95_ms(listed):.1f} ms", "30 ms", p95_ms(listed) <= 30),
        Row("search among 100,000 people, each row with setting and next key date, p95",
            f"{p95_ms(search_journeys):.1f} ms", "30 ms", p95_ms(search_journeys) <= 30),
        *work,
    ]
