"""Concurrent pushers and pullers against a real server process on PostgreSQL.

The trap: seqs handed out by transactions that commit out of order. A puller that reads
up to seq 11 while the transaction holding seq 10 is still open moves its cursor past 10
and never sees it. To give that trap every chance, pushers run batches of very different
sizes at once (a 1-change transaction commits while a 400-change one is still writing),
and pullers pull small pages in a tight loop the whole time.

What must hold afterwards:
- every puller's view, built only from what it pulled, equals the server's rows exactly,
  and it saw every seq the server's rows carry (rows written once: a skipped seq is a row
  missing for good);
- seqs arrive strictly increasing and the cursor never goes back;
- no request failed;
- a row edited concurrently by every pusher (each its own field) keeps every pusher's
  last value: a merge that read the row before waiting for the lock would lose some.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from sync import protocol as p
from sync.client.transport import HttpTransport
from tests.e2e.conftest import PASSWORD, Server
from tests.e2e.fixtures_faults import start_server
from tests.sync_rows import required_fields, stamp

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

BATCH_SIZES = (1, 4, 30, 150)  # staggered transaction lengths, one pusher each
ROUNDS = 4
PULLERS = 3
PAGE = 50
RUN_LIMIT_S = 120.0


@pytest.fixture
def pg_server(fresh_postgres_database: str, tmp_path) -> Iterator[Server]:
    srv = start_server(tmp_path / "server", fresh_postgres_database)
    yield srv
    srv.stop()


FIELDS = ("contact_notes", "address_line1", "address_line2", "nationality")  # a pusher each


class Laptop:
    """A device enrolled straight through the API, with Ann signed in: its changes go
    with her sync credential and its own clock. attempts=1: a failure is not hidden."""

    def __init__(self, server: Server, name: str) -> None:
        enrolled = HttpTransport(server.url).enrol(server.enrolment_code("Custody North"),
                                                   name)
        self.id = enrolled["device_id"]
        self.transport = HttpTransport(server.url, enrolled["device_token"], timeout=(5, 60),
                                       attempts=1)
        signed = self.transport.sign_in("ann", PASSWORD)
        self.worker = signed["worker"]["worker_id"]
        self.credential = signed["sync_credential"] or ""

    def push(self, changes: list[p.Change]) -> p.PushResponse:
        for body in changes:  # neither is part of the content hash
            body["hlc"], body["worker_id"] = stamp(self.id), self.worker
        return self.transport.push(changes, {self.worker: self.credential})

    def pull(self, *args: Any, **kwargs: Any) -> p.PullResponse:
        return self.transport.pull(*args, **kwargs)


def device(server: Server, name: str) -> Any:
    return Laptop(server, name)


def change(person_id: str, fields: dict[str, Any], *, base: str | None = None,
           worker: str = "w") -> p.Change:
    body: dict[str, Any] = {
        "change_id": str(uuid.uuid4()), "table": "people", "row_id": person_id,
        "person_id": person_id, "revision_id": str(uuid.uuid4()), "base_revision_id": base,
        "hlc": "stamped by Laptop.push", "worker_id": worker, "append_only": False,
        "fields": {**required_fields("people", person_id), **fields},
        "linkage_key": "AB01011990M"}
    body["content_hash"] = p.content_hash(body)
    return body  # type: ignore[return-value]


@dataclass
class Puller:
    transport: HttpTransport
    page: int = PAGE
    cursor: int = 0
    rows: dict[tuple[str, str], str] = field(default_factory=dict)  # -> revision
    fields: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    seqs: list[int] = field(default_factory=list)  # in the feed's order
    ahead: list[int] = field(default_factory=list)  # sent early: a person before their rows
    cursors: list[int] = field(default_factory=list)

    def pull_once(self) -> bool:
        """One page; True if there is more."""
        page = self.transport.pull(self.cursor, self.page)
        last = {row["seq"]: n for n, row in enumerate(page["rows"])}
        for n, row in enumerate(page["rows"]):
            # The server sends a person's row ahead of rows that hang off it when its own
            # place is further on; it comes again in order, later in this page or after.
            early = row["seq"] > page["next_cursor"] or last[row["seq"]] != n
            (self.ahead if early else self.seqs).append(row["seq"])
            self.rows[(row["table"], row["row_id"])] = row["revision_id"]
            self.fields[(row["table"], row["row_id"])] = row["fields"]
        self.cursor = page["next_cursor"]
        self.cursors.append(self.cursor)
        return page["has_more"]

    def drain(self) -> None:
        for _ in range(10_000):
            if not self.pull_once():
                return
        raise AssertionError("the feed never ended")


class Pusher:
    """Edits its own field of the shared row, based on the revision it last pulled, then
    creates new people, all in one batch of a size its own. The edit comes first: the
    server reads that row before it waits for the feed's lock, while another pusher's long
    batch holds the lock and may be about to change the row."""

    def __init__(self, index: int, transport: HttpTransport, hot: str, batch: int) -> None:
        self.index, self.transport, self.hot, self.batch = index, transport, hot, batch
        self.reader = Puller(transport, page=p.MAX_PULL_PAGE)
        self.created: list[str] = []
        self.last_value = ""
        self.statuses: list[str] = []

    def round(self, n: int) -> None:
        self.reader.drain()
        base = self.reader.rows[("people", self.hot)]
        view = dict(self.reader.fields[("people", self.hot)])
        self.last_value = view[FIELDS[self.index]] = f"pusher {self.index} round {n}"
        fresh = [str(uuid.uuid4()) for _ in range(self.batch)]
        batch = [change(self.hot, view, base=base, worker=f"w{self.index}")]
        batch += [change(pid, {"given_name": f"P{self.index}", "family_name": pid[:8]},
                         worker=f"w{self.index}") for pid in fresh]
        results = self.transport.push(batch)["results"]
        self.statuses += [r["status"] for r in results]
        self.created += fresh


def run_threads(targets: list[Any]) -> list[BaseException]:
    errors: list[BaseException] = []

    def guarded(target: Any) -> None:
        try:
            target()
        except BaseException as error:  # reported by the test, never swallowed
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(t,), daemon=True) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(RUN_LIMIT_S)
        assert not thread.is_alive(), "a worker thread hung"
    return errors


def server_state(url: str) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], int],
                                    int, int]:
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT table_name, row_id, revision_id, seq FROM sync_rows")).all()
            ledger = conn.execute(sa.text("SELECT count(*) FROM sync_changes")).scalar_one()
            counter = conn.execute(sa.text(  # the feed's counter (row 2 counts scope changes)
                "SELECT value FROM sync_counter WHERE id = 1")).scalar_one()
    finally:
        engine.dispose()
    return ({(t, r): rev for t, r, rev, _ in rows}, {(t, r): seq for t, r, _, seq in rows},
            ledger, counter)


def test_concurrent_pushers_never_make_a_puller_miss_a_change(pg_server):
    hot = str(uuid.uuid4())
    seed = device(pg_server, "seed")
    hot_fields = {"given_name": "Hot", "family_name": "Row",
                  **{FIELDS[i]: "" for i in range(len(BATCH_SIZES))}}
    assert seed.push([change(hot, hot_fields)])["results"][0]["status"] == "applied"
    pushers = [Pusher(i, device(pg_server, f"pusher {i}"), hot, size)
               for i, size in enumerate(BATCH_SIZES)]
    pullers = [Puller(device(pg_server, f"puller {i}")) for i in range(PULLERS)]
    done = threading.Event()
    deadline = time.monotonic() + RUN_LIMIT_S

    def push_rounds(pusher: Pusher) -> None:
        for n in range(ROUNDS):
            pusher.round(n)

    def pull_while_pushing(puller: Puller) -> None:
        while not done.is_set() and time.monotonic() < deadline:
            puller.pull_once()

    def pushers_then_done() -> None:
        try:
            errors = run_threads([lambda q=q: push_rounds(q) for q in pushers])
            if errors:
                raise errors[0]
        finally:
            done.set()

    errors = run_threads([pushers_then_done, *[lambda q=q: pull_while_pushing(q)
                                                for q in pullers]])
    assert errors == []
    for puller in pullers:
        puller.drain()

    revisions, seqs, ledger, counter = server_state(pg_server.database_url)
    for n, puller in enumerate(pullers):
        assert len(puller.cursors) > ROUNDS, f"puller {n} hardly pulled during the pushes"
        assert puller.rows == revisions, f"puller {n} missed or mixed up a change"
        assert set(seqs.values()) <= set(puller.seqs), f"puller {n} skipped a seq"
        assert set(puller.ahead) <= set(puller.seqs), f"puller {n}: a row only sent ahead"
        assert puller.seqs == sorted(set(puller.seqs)), f"puller {n}: seqs out of order"
        assert puller.cursors == sorted(puller.cursors) and puller.cursor == counter

    created = [pid for pusher in pushers for pid in pusher.created]
    assert len(set(created)) == len(created) == ROUNDS * sum(BATCH_SIZES)
    people = {key for key in revisions if key[0] == "people"}
    assert people == {("people", pid) for pid in created} | {("people", hot)}
    assert ledger == 1 + sum(len(pusher.statuses) for pusher in pushers)
    for pusher in pushers:
        assert set(pusher.statuses) <= {"applied", "merged"}

    # Every pusher's last word on its own field survived every concurrent merge, and
    # no field was contested (each pusher only ever changed its own).
    final = pullers[0].fields[("people", hot)]
    assert {FIELDS[q.index]: final[FIELDS[q.index]] for q in pushers} == \
        {FIELDS[q.index]: q.last_value for q in pushers}
    contested = [pullers[0].fields[k] for k in revisions if k[0] == p.CONFLICTS_TABLE]
    assert contested == []
