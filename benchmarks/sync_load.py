"""Server-side sync figures on PostgreSQL: push and pull throughput against a bulk
POST + COPY baseline, and request latency with 100 devices syncing at once."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from dataclasses import dataclass, field

import msgspec
import requests

from benchmarks import cpu_split, raw_http, sync_baseline, sync_data
from benchmarks import sync_server as srv
from benchmarks.table import Row, p95_ms
from sync import protocol as p
from sync.client.engine import PUSH_IN_FLIGHT, SyncEngine, SyncReport
from sync.client.transport import HttpTransport

RECORDS = 10_000
PUSH_BUDGET, PULL_BUDGET = 20_000, 35_000  # rows/s, ARCHITECTURE.md
# The bulk POST + COPY baseline on the reference machine (the sync issue): how much
# slower this machine is, for reading the latency figure, which has no baseline.
REFERENCE_BASELINE_PUSH = 59_000
THROUGHPUT_CAP_S = 45.0  # a push far under budget stops here; the rate is still honest
TEAM = "Load Team"
# The worker every simulated device records as: the server takes a change only from a
# worker of the device's team whose credential for that device the push carries.
WORKER = "loader"
TIMEOUT_S = 60.0
# Just above the server's 30 s connection-pool wait, so its 500 arrives before we give up.
LOAD_TIMEOUT_S = 35.0

DEVICES = 100
ROUNDS = 3  # each device: push a batch, pull to the end, three times
BATCH = 5  # changes per push: a few edits made since the last sync
APP_PAGE = 500  # the page the app asks for (SyncEngine's default)
LATENCY_BUDGET_MS = 250.0
LOAD_CAP_S = 45.0  # no new request after this; in-flight ones may take LOAD_TIMEOUT_S


class _Backlog:
    """A laptop's outbox held in memory, for the app's own push loop (SyncEngine.push):
    the figure is the server's, not the laptop's encrypted store's."""

    def __init__(self, changes: list[p.Change], deadline: float) -> None:
        self._pending = {c["change_id"]: c for c in changes}  # oldest first
        self.deadline = deadline
        self.statuses: Counter[str] = Counter()  # what the server answered, per change

    def pending_changes(self, limit: int, skip: int = 0) -> list[p.Change]:
        if time.monotonic() > self.deadline:
            return []  # a push far under budget stops here; the rate is still honest
        return list(itertools.islice(self._pending.values(), skip, skip + limit))

    def record_results(self, results: list[p.ChangeResult]) -> None:
        for result in results:
            self.statuses[result["status"]] += 1
            self._pending.pop(result["change_id"], None)


def _push_all(url: str, device: srv.SimDevice, changes: list[p.Change],
              in_flight: int) -> tuple[float, int]:
    """Push as the app does: its SyncEngine and HTTP client, its batches.
    Returns (seconds, rows the server took).

    Every change must come back "applied": a refused, waiting (no good credential, a
    clock ahead) or duplicate change costs the server less than a stored one, and a
    figure made of those would flatter the push."""
    backlog = _Backlog(changes, time.monotonic() + THROUGHPUT_CAP_S)
    transport = HttpTransport(url, device.token, timeout=(5, TIMEOUT_S), attempts=1)
    engine = SyncEngine(backlog, transport, push_in_flight=in_flight,  # type: ignore[arg-type]
                        credentials=device.credentials)
    report, started = SyncReport(), time.perf_counter()
    engine.push(report)
    seconds = time.perf_counter() - started
    if report.refused or report.waiting:
        raise RuntimeError(f"the server refused {len(report.refused)} changes and kept "
                           f"{len(report.waiting)} waiting: "
                           f"{(report.refused or report.waiting)[0]}")
    capped = time.monotonic() > backlog.deadline
    assert backlog.statuses == Counter(applied=report.pushed), backlog.statuses
    assert capped or report.pushed == len(changes), (report.pushed, len(changes))
    return seconds, report.pushed


def _pull_all(url: str, device: srv.SimDevice) -> tuple[float, int]:
    rows, cursor, started = 0, 0, time.perf_counter()
    with requests.Session() as http:
        for _ in range(RECORDS):  # bounded: one page at least per request
            reply = http.get(url + p.API_PREFIX + p.SYNC_PULL_PATH, headers=device.headers,
                             params={"cursor": cursor, "limit": p.MAX_PULL_PAGE},
                             timeout=TIMEOUT_S)
            reply.raise_for_status()
            page = reply.json()
            rows, cursor = rows + len(page["rows"]), page["next_cursor"]
            if not page["has_more"]:
                break
    return time.perf_counter() - started, rows


def _baseline(database_url: str, changes: list[p.Change]) -> tuple[float, float]:
    """Rows/s for one bulk POST (one COPY) and one bulk GET of the same rows."""
    with sync_baseline.baseline_server(database_url) as url, requests.Session() as http:
        started = time.perf_counter()
        http.post(url + sync_baseline.PATH, json={"changes": changes},
                  timeout=TIMEOUT_S).raise_for_status()
        push = len(changes) / (time.perf_counter() - started)
        started = time.perf_counter()
        reply = http.get(url + sync_baseline.PATH, timeout=TIMEOUT_S)
        reply.raise_for_status()
        assert len(reply.json()["rows"]) == len(changes)
        pull = len(changes) / (time.perf_counter() - started)
    return push, pull


def throughput_rows() -> tuple[list[Row], float]:
    """The rows, and the baseline push rate (rows/s) this machine reached."""
    with srv.throwaway_database() as url:
        with srv.sync_server(url, workers=2) as server:
            [worker] = srv.add_team(server, TEAM, [WORKER]).values()
            pusher, puller, single = srv.enrol_devices(server, TEAM, 3, worker)
            # Stamped by the device that pushes them: the server checks the stamp's device.
            changes = sync_data.people_changes(RECORDS, worker, pusher.device_id)
            size = sync_data.wire_size(changes)
            push_s, pushed = _push_all(server.url, pusher, changes, PUSH_IN_FLIGHT)
            pull_s, pulled = _pull_all(server.url, puller)
            # Every row the push stored comes down, and nothing else is in the feed.
            assert pulled == pushed, (pulled, pushed)
            # For comparison: the same backlog again (new ids), one batch at a time.
            one_s, one_pushed = _push_all(server.url, single, sync_data.people_changes(
                RECORDS, worker, single.device_id), in_flight=1)
        # The baseline runs after our server has stopped, on the same database server,
        # with nothing else competing for the two cores.
        base_push, base_pull = _baseline(url, changes)
    push, pull = pushed / push_s, pulled / max(pull_s, 1e-9)
    partial = "" if pushed == RECORDS else f" (stopped after {push_s:.0f} s)"
    return [
        Row(f"server push, {pushed:,} records of {size:.0f} B, batches of up to "
            f"{p.MAX_PUSH_BATCH} ({p.MAX_PUSH_BYTES // 1024} KB), {PUSH_IN_FLIGHT} in flight "
            "(as the app sends them)" + partial,
            f"{push:,.0f} rows/s", f">= {PUSH_BUDGET:,}", push >= PUSH_BUDGET),
        Row("  the same, one batch at a time", f"{one_pushed / one_s:,.0f} rows/s", "", None),
        Row(f"server pull, {pulled:,} records, pages of {p.MAX_PULL_PAGE}",
            f"{pull:,.0f} rows/s", f">= {PULL_BUDGET:,}", pull >= PULL_BUDGET),
        Row("baseline: the same records as one bulk POST + one COPY",
            f"{base_push:,.0f} rows/s", "baseline", None),
        Row("baseline: the same records as one bulk GET", f"{base_pull:,.0f} rows/s",
            "baseline", None),
        Row("push / baseline push", f"{push / base_push:.3f}x", "", None),
        Row("pull / baseline pull", f"{pull / base_pull:.3f}x", "", None),
    ], base_push


@dataclass
class _Load:
    push_s: list[float] = field(default_factory=list)
    pull_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    deadline: float = 0.0

    def timed_out(self) -> bool:
        return time.monotonic() > self.deadline


class _PageTail(msgspec.Struct):
    """What a simulated device reads of a page: where to go next (the rows are skipped
    by the decoder without building them)."""

    next_cursor: int
    has_more: bool


class _PushReply(msgspec.Struct):
    results: list[dict[str, object]]


async def _device(url: str, device: srv.SimDevice, load: _Load) -> None:
    """One device's syncs: push a few new people, then pull every page, ROUNDS times."""
    cursor = 0
    changes = sync_data.people_changes(ROUNDS * BATCH, device.worker_id, device.device_id,
                                       note_chars=120)
    http = raw_http.Connection(url, device.headers)
    try:
        for round_no in range(ROUNDS):
            batch = changes[round_no * BATCH:(round_no + 1) * BATCH]
            body = await _call(http, load, load.push_s, "POST", p.SYNC_PUSH_PATH,
                               body=msgspec.json.encode({"changes": batch,
                                                         "credentials": device.credentials}))
            # Each of its new people must be stored: a refused or waiting change (the
            # latter is answered 401/425 inside a 200 reply) is cheaper than a stored one.
            statuses = [] if body is None else [
                r["status"] for r in msgspec.json.decode(body, type=_PushReply).results]
            if body is not None and statuses != ["applied"] * len(batch):
                load.errors.append(f"push not applied: {sorted(set(statuses))}")
            for page_no in range(50):  # bounded: 100 devices x 15 rows is at most 3 pages
                # As the app does: scope changes are looked for on a cycle's first page only.
                body = await _call(http, load, load.pull_s, "GET", p.SYNC_PULL_PATH, params={
                    "cursor": cursor, "limit": APP_PAGE,
                    "check_scope": str(page_no == 0).lower()})
                if body is None:
                    break
                page = msgspec.json.decode(body, type=_PageTail)
                cursor = page.next_cursor
                if not page.has_more:
                    break
    finally:
        await http.close()


async def _call(http: raw_http.Connection, load: _Load, samples: list[float], method: str,
                path: str, **kwargs: object) -> bytes | None:
    if load.timed_out():
        return None
    started = time.perf_counter()
    try:
        status, body = await asyncio.wait_for(
            http.request(method, p.API_PREFIX + path, **kwargs),  # type: ignore[arg-type]
            LOAD_TIMEOUT_S)
    except (raw_http.HttpError, TimeoutError) as error:
        load.errors.append(f"{method} {path}: {type(error).__name__}")
        return None
    samples.append(time.perf_counter() - started)
    if status >= 400:
        load.errors.append(f"{method} {path}: {status}")
        return None
    return body


async def _run_load(url: str, devices: list[srv.SimDevice]) -> _Load:
    load = _Load(deadline=time.monotonic() + LOAD_CAP_S)
    await asyncio.gather(*(_device(url, device, load) for device in devices))
    return load


def latency_rows(baseline_push: float | None = None) -> list[Row]:
    """`baseline_push`: the same run's bulk POST + COPY rate, to estimate the p95 at
    reference speed (the queue is bound by CPU, so it scales with the machine)."""
    srv.quiet_database_server()
    with srv.throwaway_database() as url, srv.sync_server(url, workers=2) as server:
        [worker] = srv.add_team(server, TEAM, [WORKER]).values()
        devices = srv.enrol_devices(server, TEAM, DEVICES, worker)
        cpu_before, started = cpu_split.cpu_seconds(server.pid), time.perf_counter()
        load = asyncio.run(_run_load(server.url, devices))
        wall = time.perf_counter() - started
        cpu_after = cpu_split.cpu_seconds(server.pid)
        cause = server.first_error()
    every = load.push_s + load.pull_s
    cpu = cpu_split.per_request_ms(cpu_before, cpu_after, len(every))
    p95 = p95_ms(every) if every else float("inf")
    cut = " (time cap)" if wall > LOAD_CAP_S else ""
    return [
        Row(f"{DEVICES} devices syncing at once ({len(every)} answered, {len(load.errors)} "
            f"failed, {wall:.0f} s{cut}), p95 per request", f"{p95:.0f} ms",
            f"{LATENCY_BUDGET_MS:.0f} ms",
            p95 <= LATENCY_BUDGET_MS),
        *([_at_reference_speed(p95, baseline_push)] if baseline_push and every else []),
        Row("  of which push / pull p95",
            f"{p95_ms(load.push_s) if load.push_s else 0:.0f} / "
            f"{p95_ms(load.pull_s) if load.pull_s else 0:.0f} ms", "", None),
        *([Row("  CPU per request: server / PostgreSQL / load generator", cpu,
               f"(2 cores: {2 * LATENCY_BUDGET_MS / DEVICES:.0f} ms in all)", None)]
          if cpu else []),
        Row(f"{DEVICES} devices syncing at once: errors", f"{len(load.errors)}"
            + (f" (first: {load.errors[0]})" if load.errors else ""), "0", not load.errors),
        *([Row("  server log, first error", cause[:60], "", None)] if cause else []),
    ]


def _at_reference_speed(p95: float, baseline_push: float) -> Row:
    slower = REFERENCE_BASELINE_PUSH / baseline_push
    return Row(f"  estimate at reference speed (this machine's bulk baseline: "
               f"{slower:.1f}x slower)", f"{p95 / slower:.0f} ms",
               f"{LATENCY_BUDGET_MS:.0f} ms", None)
