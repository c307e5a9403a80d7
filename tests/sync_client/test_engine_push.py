"""The push sends two batches at once when they concern different people, and never lets
that change what the server receives in what order or what the laptop records: a
person's rows go up in the order they were written, results are recorded in batch
order, and a failure leaves every unsettled change waiting for the next cycle."""

from __future__ import annotations

import itertools
import json
import threading
import uuid
from typing import Any

import pytest

from sync import protocol as p
from sync.client.engine import SyncEngine, SyncReport
from sync.client.transport import ServerRefused, ServerUnreachable

WAIT_S = 5.0


WORKER = "a worker with a sync credential"


def _change(person: str, table: str = "people", worker: str = WORKER,
            **fields: Any) -> p.Change:
    return {"change_id": str(uuid.uuid4()), "person_id": person,  # type: ignore[typeddict-item]
            "table": table, "fields": fields, "worker_id": worker}


def _people(count: int) -> list[p.Change]:
    return [_change(str(uuid.uuid4())) for _ in range(count)]


class Outbox:
    """The laptop's outbox in memory: pending changes oldest first, settled by results."""

    def __init__(self, changes: list[p.Change]) -> None:
        self.pending = {c["change_id"]: c for c in changes}
        self.recorded: list[list[str]] = []  # change ids, one list per record_results call

    def pending_changes(self, limit: int, skip: int = 0) -> list[p.Change]:
        return list(itertools.islice(self.pending.values(), skip, skip + limit))

    def record_results(self, results: list[p.ChangeResult]) -> None:
        self.recorded.append([r["change_id"] for r in results])
        for result in results:
            self.pending.pop(result["change_id"])


def _applied(changes: list[p.Change]) -> p.PushResponse:
    return {"results": [{"change_id": c["change_id"], "status": "applied", "code": 201,
                         "message": "created", "revision_id": None, "conflicts": 0}
                        for c in changes], "server_time_ms": 0, "clock_warning": None}


class Server:
    """Answers pushes; `hold` lets a test decide when each batch (by its number) answers."""

    def __init__(self, hold: dict[int, threading.Event] | None = None,
                 fail: int | None = None) -> None:
        self.hold = hold or {}
        self.fail = fail
        self.lock = threading.Lock()
        self.events: list[tuple[str, int]] = []  # ("sent" | "answered", batch number)
        self.in_flight = 0
        self.most_in_flight = 0
        self.batches: list[list[p.Change]] = []

    def push(self, changes: list[p.Change], credentials=None) -> p.PushResponse:
        with self.lock:
            number = len(self.batches)
            self.batches.append(changes)
            self.events.append(("sent", number))
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if number in self.hold:
                assert self.hold[number].wait(WAIT_S), f"batch {number} was never let go"
            if number == self.fail:
                raise ServerUnreachable("The server cannot be reached: connection reset")
            return _applied(changes)
        finally:
            with self.lock:
                self.in_flight -= 1
                self.events.append(("answered", number))


def _push(outbox: Outbox, server: Server, batch: int = 3) -> SyncReport:
    report = SyncReport()
    SyncEngine(outbox, server, batch=batch,  # type: ignore[arg-type]
               credentials={WORKER: "credential"}).push(report)
    return report


def test_batches_of_different_people_are_on_the_way_together():
    """Batch 0 answers only once batch 1 has been sent: sent one after the other, the
    push would wait out WAIT_S and fail."""
    batch_1_sent = threading.Event()
    server = Server(hold={0: batch_1_sent})
    original = server.push

    def push(changes: list[p.Change], credentials=None) -> p.PushResponse:
        if server.batches:  # this is batch 1 (or later)
            batch_1_sent.set()
        return original(changes)

    server.push = push  # type: ignore[method-assign]
    changes = _people(9)
    outbox = Outbox(changes)
    report = _push(outbox, server)
    assert server.most_in_flight == 2
    assert report.pushed == 9 and outbox.pending == {}
    assert [c for batch in server.batches for c in batch] == changes  # each sent once


def test_a_batch_that_shares_a_person_waits_for_the_one_before():
    """The person's second row is in the next batch: it must not reach the server before
    the person (the server would refuse it as belonging to an unknown person)."""
    person = str(uuid.uuid4())
    first = [*_people(2), _change(person)]
    second = [_change(person), *_people(2)]
    held = threading.Event()
    threading.Timer(0.3, held.set).start()  # batch 0 takes a while to answer
    server = Server(hold={0: held})
    _push(Outbox(first + second), server)
    assert server.most_in_flight == 1
    assert server.events == [("sent", 0), ("answered", 0), ("sent", 1), ("answered", 1)]


def test_a_merge_waits_for_the_record_it_folds_in():
    """The merge row belongs to the survivor but names the merged record: were it to
    arrive first, other laptops would get a merge of a person they have never seen."""
    survivor, merged = str(uuid.uuid4()), str(uuid.uuid4())
    first = [*_people(2), _change(merged)]
    merge = _change(survivor, "person_merges", survivor_id=survivor, merged_id=merged)
    held = threading.Event()
    threading.Timer(0.3, held.set).start()
    server = Server(hold={0: held})
    _push(Outbox([*first, merge, *_people(2)]), server)
    assert server.events[:3] == [("sent", 0), ("answered", 0), ("sent", 1)]


def test_protocol_names_every_person_a_row_depends_on():
    survivor, merged = str(uuid.uuid4()), str(uuid.uuid4())
    assert p.people_of(_change(merged, merged_into=survivor)) == {merged, survivor}
    assert p.people_of(_change(merged, merged_into=None)) == {merged}
    assert p.people_of(_change(survivor, "person_merges", survivor_id=survivor,
                               merged_id=merged)) == {survivor, merged}
    assert p.people_of(_change(survivor, "contacts", merged_id=merged)) == {survivor}


def test_results_are_recorded_in_batch_order_whichever_answers_first():
    let_0_go = threading.Event()
    server = Server(hold={0: let_0_go})
    original = server.push

    def push(changes: list[p.Change], credentials=None) -> p.PushResponse:
        reply = original(changes)
        if changes is server.batches[1]:
            let_0_go.set()  # batch 1 has answered; only now may batch 0
        return reply

    server.push = push  # type: ignore[method-assign]
    changes = _people(6)
    outbox = Outbox(changes)
    _push(outbox, server)
    assert ("answered", 1) in server.events[:server.events.index(("answered", 0))]
    assert outbox.recorded == [[c["change_id"] for c in changes[:3]],
                               [c["change_id"] for c in changes[3:]]]


def test_a_failed_batch_stops_the_push_and_loses_nothing():
    changes = _people(9)
    outbox = Outbox(changes)
    server = Server(fail=1)
    with pytest.raises(ServerUnreachable):
        _push(outbox, server)
    # Batch 0 was answered and recorded; batch 1 and everything after it still wait.
    assert list(outbox.pending) == [c["change_id"] for c in changes[3:]]


def test_a_batch_stays_under_the_size_the_server_takes():
    """Rows with signatures or long notes: 500 of them would be a body the server refuses
    whole (413), every cycle. A row bigger than the limit on its own still goes, alone."""
    notes = "x" * (100 * 1024)
    big = [_change(str(uuid.uuid4()), notes=notes) for _ in range(12)]
    huge = _change(str(uuid.uuid4()), notes="y" * (p.MAX_PUSH_BYTES + 1))
    server = Server()
    outbox = Outbox([*big, huge, *_people(2)])
    _push(outbox, server, batch=p.MAX_PUSH_BATCH)
    sizes = [sum(len(json.dumps(c)) for c in batch) for batch in server.batches]
    assert all(size <= p.MAX_PUSH_BYTES for size in sizes[:-2])
    assert [len(batch) for batch in server.batches] == [5, 5, 2, 1, 2]
    assert outbox.pending == {}


def test_a_failure_is_reported_without_waiting_for_the_other_batch():
    """The other batch may be deep in its retries (minutes): the worker hears of the
    failure now, and that batch's changes stay pending for the next cycle."""
    batch_1_sent, let_1_go = threading.Event(), threading.Event()
    server = Server(hold={0: batch_1_sent, 1: let_1_go}, fail=0)  # 0 fails once 1 is out
    changes = _people(6)
    outbox = Outbox(changes)
    original = server.push

    def push(changes: list[p.Change], credentials=None) -> p.PushResponse:
        if server.batches:
            batch_1_sent.set()
        return original(changes)

    server.push = push  # type: ignore[method-assign]
    with pytest.raises(ServerUnreachable):
        _push(outbox, server)
    still_on_its_way = server.in_flight
    let_1_go.set()
    assert still_on_its_way == 1
    assert list(outbox.pending) == [c["change_id"] for c in changes]


def test_a_change_too_big_for_the_server_is_kept_and_the_rest_still_go():
    """The server refuses a body over its limit whole (413). A change that is too big on
    its own would be refused every cycle and stop every sync after it: it is marked
    refused here, with the reason, and stays on the laptop."""
    huge = _change(str(uuid.uuid4()), strokes="z" * (p.MAX_PUSH_BYTES + 1))
    rest = _people(3)

    class Limited(Server):
        def push(self, changes: list[p.Change], credentials=None) -> p.PushResponse:
            if any(c is huge for c in changes):
                raise ServerRefused(413, {"error": "body_too_large",
                                          "message": "request body is larger than 1048576"})
            return super().push(changes)

    outbox = Outbox([*_people(2), huge, *rest])
    report = _push(outbox, Limited())
    assert report.pushed == 5
    [refusal] = report.refused
    assert refusal.startswith(huge["change_id"][:8]) and "too large" in refusal
    assert outbox.pending == {}  # recorded: the real store keeps it, marked refused
    assert huge["change_id"] in outbox.recorded[1]


def test_a_change_the_store_cannot_settle_is_not_sent_again_in_the_same_cycle():
    class Stuck(Outbox):
        def record_results(self, results: list[p.ChangeResult]) -> None:
            self.recorded.append([r["change_id"] for r in results])  # settles nothing

    server = Server()
    _push(Stuck(_people(2)), server)
    assert len(server.batches) == 1


def test_refusals_in_either_batch_reach_the_report():
    changes = _people(6)
    server = Server()
    original = server.push

    def push(changes: list[p.Change], credentials=None) -> p.PushResponse:
        reply = original(changes)
        refused: Any = reply["results"][0]
        refused.update(status="refused", code=403, message="not your team's")
        return reply

    server.push = push  # type: ignore[method-assign]
    report = _push(Outbox(changes), server)
    assert report.pushed == 4
    assert report.refused == [f'{changes[0]["change_id"][:8]}: not your team\'s',
                              f'{changes[3]["change_id"][:8]}: not your team\'s']


def test_a_change_whose_worker_has_no_credential_waits_with_its_person_only():
    """What follows for the same person may depend on it (their new person, then a
    colleague's answer for that person): it waits too. Changes for other people go: a
    switched-off or absent colleague never stops everyone else's work."""
    mine, theirs, after = _change("p1"), _change("p2", worker="not signed in"), _change("p2")
    other = _change("p3")
    outbox, server = Outbox([mine, theirs, after, other]), Server()
    report = _push(outbox, server)
    assert server.batches == [[mine, other]]
    assert list(outbox.pending) == [theirs["change_id"], after["change_id"]]
    assert report.uncredited == {"not signed in"} and report.waiting


def test_each_batch_carries_the_credentials_of_its_workers_only():
    sent: list[dict] = []
    server = Server()
    original = server.push

    def push(changes: list[p.Change], credentials=None) -> p.PushResponse:
        sent.append(credentials)
        return original(changes)

    server.push = push  # type: ignore[method-assign]
    report = SyncReport()
    SyncEngine(Outbox(_people(2)), server,  # type: ignore[arg-type]
               credentials={WORKER: "mine", "colleague": "theirs"}).push(report)
    assert sent == [{WORKER: "mine"}]


def test_changes_the_server_keeps_for_later_stay_pending_with_their_people():
    """A clock far ahead (425) or a credential the server no longer takes (401): the
    change waits on the laptop, unrefused, and so does any later change for its person;
    changes for other people still go."""
    early, same_person, other = _change("p1"), _change("p1"), _change("p2")
    server = Server()
    original = server.push

    def push(changes: list[p.Change], credentials=None) -> p.PushResponse:
        reply = original(changes)
        for result in reply["results"]:
            if result["change_id"] == early["change_id"]:
                result.update(status="refused", code=p.NOT_YET, message="clock ahead")
        return reply

    server.push = push  # type: ignore[method-assign]
    outbox = Outbox([early])
    report = _push(outbox, server)
    outbox.pending.update({c["change_id"]: c for c in (same_person, other)})
    report = SyncReport()
    SyncEngine(outbox, server, batch=1, push_in_flight=1,  # type: ignore[arg-type]
               credentials={WORKER: "mine"}).push(report)
    assert server.batches[-2:] == [[early], [other]]  # same_person waits behind early
    assert list(outbox.pending) == [early["change_id"], same_person["change_id"]]
    assert report.waiting == ["clock ahead"] and report.refused == []
