"""A laptop process SIGKILLed in the middle of a sync, then started again on the same data.

The proxy holds one chosen request (before the server sees it, or after the server has
committed and answered), the test kills the laptop's process while it waits, and a fresh
process syncs to the end. Nothing may be lost or applied twice: the server and every
laptop end with each record exactly once, and no outbox entry is left behind.
"""

from __future__ import annotations

import json
import queue
import random
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services import assessment, people
from app.services.sync import sync_now
from app.services.views import PersonInput
from app.store.sync.models import SyncState
from sync import protocol as p
from tests.e2e.conftest import PASSWORD, Laptop, Server
from tests.e2e.faulty_proxy import FaultyProxy, Rule
from tests.e2e.fixtures_faults import (
    assert_converged,
    enrol_laptop,
    fast_transport,
    outbox,
    server_ledger,
    shared_proxy_fixture,  # noqa: F401 - the `shared_proxy` fixture
    shared_server_fixture,  # noqa: F401 - the `shared_server` fixture
    sign_in_again,
)

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
PAGE = 20  # the child pulls in pages of 20 rows
BATCH = 100  # and pushes in batches of 100 changes
CHILD_TIMEOUT = 60.0


class Child:
    """`python -m tests.e2e.sync_child` on a laptop's data directory."""

    def __init__(self, data_dir: Path, username: str, url: str, log: Path) -> None:
        self._stderr = log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.sync_child", str(data_dir), username, url,
             "--batch", str(BATCH), "--page", str(PAGE)],
            cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
            text=True)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(PASSWORD + "\n")
        self.proc.stdin.close()
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True).start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.lines.put(line.strip())

    def wait_for(self, text: str, timeout: float = CHILD_TIMEOUT) -> None:
        try:
            while (line := self.lines.get(timeout=timeout)) != text:
                pass
        except queue.Empty:
            self.kill()
            raise AssertionError(f"the child never printed {text}") from None
        assert line == text

    def kill(self) -> int:
        self.proc.send_signal(signal.SIGKILL)
        code = self.proc.wait(timeout=CHILD_TIMEOUT)
        self._stderr.close()
        return code

    def finish(self) -> dict[str, object]:
        code = self.proc.wait(timeout=CHILD_TIMEOUT)
        self._stderr.close()
        assert code == 0, "the restarted sync failed: see the child's log"
        lines = []
        while not self.lines.empty():
            lines.append(self.lines.get())
        return json.loads(lines[-1])


@pytest.fixture(scope="module")
def world(shared_server: Server, shared_proxy: FaultyProxy,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """Laptop a (run in a child process) and laptop b, both through the proxy."""
    root = tmp_path_factory.mktemp("kill")
    a = enrol_laptop(shared_server, root / "a", "ann", "Custody North", url=shared_proxy.url)
    b = enrol_laptop(shared_server, root / "b", "cal", "Custody North", url=shared_proxy.url)
    state: dict[str, object] = {"a": a, "b": b, "root": root}
    yield state
    for laptop in (state["a"], state["b"]):
        if laptop.session.is_open:  # type: ignore[attr-defined]
            laptop.session.close()  # type: ignore[attr-defined]


@pytest.fixture
def proxy(shared_proxy: FaultyProxy) -> Iterator[FaultyProxy]:
    shared_proxy.new_epoch()
    yield shared_proxy
    shared_proxy.clear()
    shared_proxy.abandon()


_names = (f"{a}{b}{c}{d}" for a in "BCDFGHJKLMNPRSTVWZ" for b in "aeiou" for c in "lnrst"
          for d in ("a", "o", "ie"))


def add_people(laptop: Laptop, count: int) -> set[str]:
    """`count` new people, each with two assessment answers: six synced rows apiece."""
    made = set()
    for _ in range(count):
        typed = PersonInput(given_name=next(_names), family_name=next(_names))
        seen = [m.person.id for m in people.find_matches(session=laptop.session, person=typed)]
        person = people.create_person(session=laptop.session, person=typed,
                                      acknowledged_matches=seen)
        assessment.save_section(session=laptop.session, person_id=person.id,
                                section="housing", typed={"housing_notes": "offline",
                                                          "accommodation_need": "1"})
        made.add(person.id)
    return made


def cursor_of(laptop: Laptop) -> int:
    with laptop.session.transaction() as db:
        row = db.get(SyncState, "cursor")
        return int(row.value) if row else 0


def applied_once_each(proxy: FaultyProxy) -> bool:
    applied: dict[str, int] = {}
    for exchange in proxy.requests_to(p.SYNC_PUSH_PATH):
        for reply in exchange.reply_json():
            for result in reply.get("results", []):
                applied[result["change_id"]] = applied.get(result["change_id"], 0) + (
                    result["status"] in ("applied", "merged"))
    return set(applied.values()) == {1}


KILL_POINTS = [
    # stage, fault, which request of that kind is held
    ("push", "stall_after", 1),  # the server committed batch 1; the laptop never heard
    ("push", "stall_before", 2),  # batch 1 done and recorded; batch 2 never arrived
    ("pull", "stall_after", 3),  # pages 1-2 applied with their cursor; page 3 in flight
    ("pull", "stall_before", 2),
]


@pytest.mark.parametrize(("stage", "fault", "nth"), KILL_POINTS)
def test_killed_mid_sync_and_restarted_loses_and_duplicates_nothing(
        world, shared_server, proxy, stage, fault, nth):
    a, b, root = world["a"], world["b"], world["root"]
    made = add_people(a, 35) if stage == "push" else set()  # 210 changes: 3 batches
    made |= add_people(b, 35 if stage == "pull" else 2)
    sync_now(session=b.session, transport=fast_transport(b.session, proxy.url))
    pending = outbox(a.session)["pending"]
    start = cursor_of(a)
    a.session.close()

    path = p.SYNC_PUSH_PATH if stage == "push" else p.SYNC_PULL_PATH
    proxy.set_rules(Rule(fault, path=path, nth=(nth,)))
    proxy.new_epoch()
    child = Child(root / "a", "ann", proxy.url, root / "child.log")
    assert proxy.stalled.wait(CHILD_TIMEOUT), "the held request never came"
    assert child.kill() == -signal.SIGKILL
    proxy.clear()
    proxy.abandon()

    # Where the kill landed, seen from the server and from the laptop's own store.
    calls = [x for x in proxy.requests_to(path) if x.n > proxy.epoch]
    assert len(calls) == nth
    a = world["a"] = sign_in_again(a)
    ledger = set(server_ledger(shared_server.database_url))
    if stage == "push":
        batches = [{c["change_id"] for c in x.json()["changes"]} for x in calls]
        held = batches[-1]
        assert held <= ledger if fault == "stall_after" else not held & ledger
        assert all(batch <= ledger for batch in batches[:-1])
        # Only recorded replies leave the outbox: the held batch is still pending.
        assert outbox(a.session)["pending"] == pending - sum(map(len, batches[:-1]))
    else:
        assert outbox(a.session)["pending"] == 0
        # Page n is asked for while page n-1 is applied (the pull prefetches), so the
        # kill lands with page n-1 committed or not yet: the cursor is one of those two,
        # never past a page that was not applied.
        cursors = [start] + [x.reply_json()[0]["next_cursor"] for x in calls[:-1]]
        assert cursor_of(a) in cursors[-2:]
    a.session.close()

    restarted = Child(root / "a", "ann", proxy.url, root / "child.log")
    report = restarted.finish()
    assert report["refused"] == []
    a = world["a"] = sign_in_again(a)
    sync_now(session=b.session, transport=fast_transport(b.session, proxy.url))
    state = assert_converged(shared_server, [a.session, b.session])
    assert made <= set(state["people"])
    assert applied_once_each(proxy)
    mine = [h for h in state["assessment_history"].values() if h["person_id"] in made]
    assert len(mine) == 2 * len(made)  # two answers each, each once


def test_killed_at_random_moments_then_finished_converges(world, shared_server, proxy):
    """Kills at seeded random times during a slowed-down sync, wherever they land."""
    a, b, root = world["a"], world["b"], world["root"]
    made = add_people(a, 30) | add_people(b, 30)
    sync_now(session=b.session, transport=fast_transport(b.session, proxy.url))
    a.session.close()
    proxy.set_rules(Rule("delay", seconds=0.03))  # every request: a sync of ~1-2 s
    dice = random.Random(7)
    outcomes = []
    for _ in range(4):
        child = Child(root / "a", "ann", proxy.url, root / "child.log")
        child.wait_for("READY")
        try:
            child.proc.wait(timeout=dice.uniform(0.05, 1.0))
            outcomes.append(child.proc.returncode)  # finished before the kill
        except subprocess.TimeoutExpired:
            outcomes.append(child.kill())
        proxy.wait_idle()
    assert -signal.SIGKILL in outcomes, "no kill landed mid-sync: the test proved nothing"
    proxy.clear()
    Child(root / "a", "ann", proxy.url, root / "child.log").finish()
    a = world["a"] = sign_in_again(a)
    sync_now(session=b.session, transport=fast_transport(b.session, proxy.url))
    state = assert_converged(shared_server, [a.session, b.session])
    assert made <= set(state["people"])
    assert applied_once_each(proxy)
