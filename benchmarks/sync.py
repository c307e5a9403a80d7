"""Sync figures: first sync of 10,000 people, an incremental cycle, server throughput
against a bulk POST + COPY baseline, and latency with 100 devices at once.

Everything runs against throwaway PostgreSQL databases and real `python -m sync.server
serve --workers 2` processes on loopback; each figure cleans up after itself.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

import main
from app.config import resolve_paths
from app.services import assessment
from app.services.session import WorkerSession
from app.services.sync import credentials_for, sync_now, transport_for
from app.store.keys import KdfParams
from app.store.models import Person
from app.store.sync.store import EncryptedSyncStore
from benchmarks import sync_data, sync_load, sync_seed
from benchmarks import sync_server as srv
from benchmarks.table import Row, median_ms, p95_ms
from sync import protocol as p
from sync.client.engine import SyncEngine, SyncReport

PEOPLE = 10_000
FIRST_SYNC_BUDGET_S = 10.0
FIRST_SYNC_CAP_S = 75.0  # stop a far-over-budget first sync here and extrapolate
INCREMENTAL_BUDGET_MS = 20.0
INCREMENTAL_ROUNDS = 15
TEAM = "Custody North"
SEED_TEAM = "Custody South"


class _TooSlow(Exception):
    """Raised from the progress callback to end a first sync that passed its time cap."""


@dataclass
class Laptop:
    session: WorkerSession
    device_id: str  # the server's id for this laptop


def _enrol(server: srv.Server, folder: Path, username: str, team: str) -> Laptop:
    """A real encrypted laptop store, enrolled over HTTP as IT would (`main.py enrol`)."""
    device = main.build_device_service(resolve_paths(folder), kdf=KdfParams.fast_for_tests())
    session = device.enrol(server_url=server.url, code=srv.enrolment_code(server, team),
                           device_name=f"bench {username}", username=username,
                           password=srv.PASSWORD)
    return Laptop(session, session.open_store.device_id)


def _first_sync(laptop: Laptop, expected_rows: int) -> tuple[float, int, bool]:
    """(seconds, rows applied, finished): the fresh device's whole first sync_now."""
    pulled = 0
    started = time.perf_counter()

    def progress(_stage: str, done: int, _total: int) -> None:
        nonlocal pulled
        pulled = done
        if time.perf_counter() - started > FIRST_SYNC_CAP_S:
            raise _TooSlow

    try:
        report = sync_now(session=laptop.session, progress=progress)
    except _TooSlow:
        return time.perf_counter() - started, pulled, False
    seconds = time.perf_counter() - started
    with laptop.session.transaction() as db:  # every seeded person really arrived, decrypted
        people = db.scalar(select(func.count()).select_from(Person)) or 0
    assert people >= PEOPLE, f"the fresh device holds {people} people, not {PEOPLE}"
    # A row the laptop's table rules turn down is set aside, not stored: none may be.
    set_aside = EncryptedSyncStore(laptop.session.open_store).set_aside_rows()
    assert not set_aside, f"{len(set_aside)} pulled rows were set aside"
    return seconds, report.pulled, report.pulled >= expected_rows


def _ten_edits(laptop: Laptop, person_id: str, round_no: int) -> None:
    """Two sections of two answers each: 4 values + 4 history entries + 2 confirmations."""
    assessment.save_sections(session=laptop.session, person_id=person_id, typed={
        "housing": {"at_risk_of_eviction": "NU"[round_no % 2],
                    "housing_notes": f"round {round_no}: hostel place offered"},
        "substances": {"tobacco_per_day": str(10 + round_no),
                       "substances_notes": f"round {round_no}: cutting down"}})


class _Watched:
    """The laptop's own store, noting the status the server gave each pushed change, so
    that the push half is known to have applied all ten rather than been refused or
    kept waiting (a refusal answers sooner than an applied change)."""

    def __init__(self, store: EncryptedSyncStore) -> None:
        self._store = store
        self.statuses: list[str] = []

    def pending_changes(self, limit: int, skip: int = 0) -> list[p.Change]:
        return self._store.pending_changes(limit, skip)

    def record_results(self, results: list[p.ChangeResult]) -> None:
        self.statuses += [r["status"] for r in results]
        self._store.record_results(results)


def _incremental(editor: Laptop, reader: Laptop, person_id: str
                 ) -> tuple[list[float], list[float]]:
    """Per round: the editor saves 10 changes (untimed), its push half is timed, then the
    reader's whole sync_now (push nothing, pull 10, apply, audit) is timed."""
    # The same store, transport and credentials sync_now uses, so only the push half can
    # be timed. Without the worker's credential the changes would wait on the laptop.
    store = _Watched(EncryptedSyncStore(editor.session.open_store))
    engine = SyncEngine(store, transport_for(editor.session),  # type: ignore[arg-type]
                        credentials=credentials_for(session=editor.session))
    push_s: list[float] = []
    cycle_s: list[float] = []
    for round_no in range(INCREMENTAL_ROUNDS):
        _ten_edits(editor, person_id, round_no)
        store.statuses.clear()
        started = time.perf_counter()
        report = SyncReport()
        engine.push(report)
        push_s.append(time.perf_counter() - started)
        assert report.pushed == 10 and not report.refused and not report.waiting, report
        # Each edit is based on the row's current revision: applied, never merged.
        assert store.statuses == ["applied"] * 10, store.statuses
        started = time.perf_counter()
        pulled = sync_now(session=reader.session).pulled
        cycle_s.append(time.perf_counter() - started)
        assert pulled == 10, pulled  # exactly A's ten changes came down
    return push_s, cycle_s


def _sync_all(laptop: Laptop, *, pushed: int = 0, pulled: int = 0) -> None:
    """An untimed set-up sync that must push and pull what it is expected to."""
    report = sync_now(session=laptop.session)
    assert report.pushed == pushed and report.pulled == pulled, report
    assert not report.refused and not report.waiting, report


def laptops_rows() -> list[Row]:
    """Figures 1 and 2 on one server. 10,000 people are seeded for team SEED_TEAM and a
    fresh laptop of that team does its first sync; laptops A and B of TEAM (whose feed
    shares the server's tables with those 100,000 rows) time the incremental cycle."""
    with srv.throwaway_database() as url, srv.sync_server(url, workers=2) as server, \
            tempfile.TemporaryDirectory(prefix="insideout-bench-laptops-") as tmp:
        srv.add_team(server, TEAM, ["ann", "cal"])
        [dee] = srv.add_team(server, SEED_TEAM, ["dee"]).values()
        editor = _enrol(server, Path(tmp) / "a", "ann", TEAM)
        template = sync_data.record_one_person(editor.session)
        # The template person goes up the ordinary way (every row applied; the feed
        # hands a laptop its own rows back too) ...
        _sync_all(editor, pushed=len(template), pulled=len(template))
        reader = _enrol(server, Path(tmp) / "b", "cal", TEAM)
        _sync_all(reader, pulled=len(template))  # ... and comes down to B
        [seeder] = srv.enrol_devices(server, SEED_TEAM, 1, dee)
        started = time.perf_counter()
        with server.session() as session, session.begin():
            seeded = sync_seed.seed(session, seeder.device_id, sync_data.clone_people(
                template, PEOPLE, device_id=seeder.device_id, worker_id=dee))
        seed_s = time.perf_counter() - started
        fresh = _enrol(server, Path(tmp) / "c", "dee", SEED_TEAM)
        seconds, pulled, finished = _first_sync(fresh, seeded)
        push_s, cycle_s = _incremental(editor, reader, template[0]["person_id"])
        for laptop in (editor, reader, fresh):
            laptop.session.close()
    return [
        Row(f"seed server: {seeded:,} rows ({PEOPLE:,} people) by COPY (setup)",
            f"{seed_s:.1f} s", "", None),
        _first_sync_row(seconds, pulled, seeded, finished),
        Row("incremental: laptop A pushes 10 changes (push half), median / p95",
            f"{median_ms(push_s):.1f} / {p95_ms(push_s):.1f} ms", "20 ms",
            median_ms(push_s) <= INCREMENTAL_BUDGET_MS),
        Row("incremental: laptop B's whole sync_now, pulls + applies 10, median / p95",
            f"{median_ms(cycle_s):.1f} / {p95_ms(cycle_s):.1f} ms", "20 ms",
            median_ms(cycle_s) <= INCREMENTAL_BUDGET_MS),
    ]


def _first_sync_row(seconds: float, pulled: int, expected: int, finished: bool) -> Row:
    what = f"first sync of {PEOPLE:,} people ({expected:,} rows) into the encrypted store"
    if finished:
        return Row(what, f"{seconds:.1f} s", "10 s", seconds <= FIRST_SYNC_BUDGET_S)
    estimate = seconds * expected / max(pulled, 1)
    return Row(what, f"~{estimate:.0f} s (cut at {seconds:.0f} s, {pulled:,} rows)", "10 s",
               False)


def rows() -> list[Row]:
    throughput, baseline_push = sync_load.throughput_rows()
    return [*laptops_rows(), *throughput, *sync_load.latency_rows(baseline_push)]
