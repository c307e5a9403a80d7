"""A misbehaving network between laptops and a real server process: requests dropped before
the server sees them, replies lost after it committed, requests sent twice, replies cut
short, delayed past the client's timeout, 503 with Retry-After. After each, a clean sync
leaves every laptop and the server with every record exactly once."""

from __future__ import annotations

import contextlib
import itertools
import json
from collections import Counter
from collections.abc import Iterator

import pytest

from app.services import assessment, conflicts, people
from app.services.sync import ServerUnreachable, SyncError, sync_now
from app.services.views import PersonInput
from sync import protocol as p
from tests.e2e.conftest import Laptop, Server
from tests.e2e.faulty_proxy import FaultyProxy, Rule
from tests.e2e.fixtures_faults import (
    SleepLog,
    assert_converged,
    enrol_laptop,
    fast_transport,
    server_ledger,
    server_scalar,
    shared_proxy_fixture,  # noqa: F401 - the `shared_proxy` fixture
    shared_server_fixture,  # noqa: F401 - the `shared_server` fixture
)

pytestmark = pytest.mark.slow


GIVEN = ("Lee", "Ada", "Ben", "Cy", "Di", "Eve", "Flo", "Gus", "Hal", "Ivy", "Jo", "Kit")
FAMILY = ("Walker", "Archer", "Baker", "Carter", "Dixon", "Ellis", "Fisher", "Grant",
          "Hughes", "Irwin", "Jones", "Knight", "Lowe", "Moss", "Nash", "Owen", "Price")
_names = itertools.count()


def next_name() -> tuple[str, str]:
    n = next(_names)
    return GIVEN[n % len(GIVEN)], FAMILY[(n // len(GIVEN) + n) % len(FAMILY)]


def add_person(laptop: Laptop, notes: str) -> str:
    """A new person (the worker has looked at any similar ones) with one assessment answer."""
    given, family = next_name()
    typed = PersonInput(given_name=given, family_name=family)
    seen = [m.person.id for m in people.find_matches(session=laptop.session, person=typed)]
    person = people.create_person(session=laptop.session, person=typed,
                                  acknowledged_matches=seen)
    assessment.save_section(session=laptop.session, person_id=person.id, section="housing",
                            typed={"housing_notes": notes})
    return person.id


def sync_through(laptop: Laptop, proxy: FaultyProxy, *, tries: int = 3,
                 read_timeout: float = 5.0, sleeps: SleepLog | None = None) -> int:
    """sync_now through the proxy; a cycle that gives up is simply run again, as the
    background sync would. Returns how many cycles failed."""
    for failures in range(tries):
        transport = fast_transport(laptop.session, proxy.url, read_timeout=read_timeout,
                                   sleeps=sleeps)
        try:
            sync_now(session=laptop.session, transport=transport)
            return failures
        except ServerUnreachable:
            if failures == tries - 1:
                raise
    raise AssertionError("unreachable")


def applied_once_each(proxy: FaultyProxy) -> Counter[str]:
    """Across every reply the server gave to a push (the proxy sees even the ones it then
    threw away), how often each change was applied or merged rather than acknowledged as
    a duplicate. Zero duplicated means exactly once for every change."""
    applied: Counter[str] = Counter()
    for exchange in proxy.requests_to(p.SYNC_PUSH_PATH):
        for reply in exchange.reply_json():
            for result in reply.get("results", []):
                applied[result["change_id"]] += result["status"] in ("applied", "merged")
    return applied


def unquoted(value: object) -> object:
    """A conflict's value, whether the view hands it over as JSON text or decoded."""
    try:
        return json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return value


def sent_change_ids(proxy: FaultyProxy) -> set[str]:
    pushes = proxy.requests_to(p.SYNC_PUSH_PATH)
    return {change["change_id"] for x in pushes for change in x.json()["changes"]}


@pytest.fixture(scope="module")
def pair(shared_server: Server, shared_proxy: FaultyProxy,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Laptop, Laptop]]:
    """Two Custody North laptops, enrolled through the proxy, shared by the module's tests:
    each test adds its own people and ends with everything converged."""
    root = tmp_path_factory.mktemp("laptops")
    a = enrol_laptop(shared_server, root / "a", "ann", "Custody North", url=shared_proxy.url)
    b = enrol_laptop(shared_server, root / "b", "cal", "Custody North", url=shared_proxy.url)
    yield a, b
    for laptop in (a, b):
        if laptop.session.is_open:
            laptop.session.close()


@pytest.fixture
def server(shared_server: Server) -> Server:
    return shared_server


@pytest.fixture
def proxy(shared_proxy: FaultyProxy) -> Iterator[FaultyProxy]:
    """The module's proxy, without faults again when a test ends (even a failing one)."""
    shared_proxy.new_epoch()
    yield shared_proxy
    shared_proxy.clear()
    shared_proxy.wait_idle()


PUSH_FAULTS = [
    # (rule, does the server see the first attempt, does the first cycle give up)
    ("drop_request", False, False),
    ("drop_response", True, False),
    ("duplicate", True, False),
    ("truncate", True, True),  # honest length, half a JSON body: "unreadable reply"
    ("cut", True, False),  # a short read: requests raises, the transport retries
    ("delay", True, False),  # the server gets it after the client timed out and resent
]


@pytest.mark.parametrize(("kind", "server_saw_it", "cycle_fails"), PUSH_FAULTS)
def test_a_fault_on_push_loses_and_duplicates_nothing(pair, server, proxy, kind,
                                                      server_saw_it, cycle_fails):
    a, b = pair
    lee = add_person(a, "tent")
    sync_through(a, proxy)
    sync_through(b, proxy)
    # Both edit Lee offline: one field each, and the same field differently.
    assessment.save_section(session=a.session, person_id=lee, section="housing",
                            typed={"housing_notes": "hostel", "accommodation_need": "1"})
    assessment.save_section(session=b.session, person_id=lee, section="housing",
                            typed={"housing_notes": "sofa"})
    kim = add_person(b, "car")
    sync_through(a, proxy)

    proxy.set_rules(Rule(kind, path=p.SYNC_PUSH_PATH, nth=(1,), seconds=1.5))
    failed = sync_through(b, proxy, read_timeout=1.0)
    proxy.clear()
    proxy.wait_idle()
    [faulty] = proxy.faults(kind)
    assert (faulty.upstream_status == 200) is server_saw_it
    assert failed == int(cycle_fails)
    for laptop in (a, b, a):
        sync_through(laptop, proxy)

    assert set(applied_once_each(proxy).values()) == {1}
    assert set(server_ledger(server.database_url)) == sent_change_ids(proxy)
    state = assert_converged(server, [a.session, b.session])
    assert {lee, kim} <= set(state["people"])
    # One conflict, not one per attempt.
    [held] = conflicts.list_conflicts(session=b.session, person_id=lee)
    assert (unquoted(held.current), unquoted(held.other)) == ("hostel", "sofa")
    assert [c["person_id"] for c in state["sync_conflicts"].values()].count(lee) == 1
    housing = assessment.load_assessment(session=a.session, person_id=lee).values["housing"]
    assert housing["housing_notes"] == "hostel" and housing["accommodation_need"] == "1"


PULL_FAULTS = ["drop_request", "drop_response", "duplicate", "truncate", "cut", "delay"]


@pytest.mark.parametrize("kind", PULL_FAULTS)
def test_a_fault_on_pull_loses_and_duplicates_nothing(pair, server, proxy, kind):
    a, b = pair
    ids = {add_person(a, f"note {n}") for n in range(3)}
    sync_through(a, proxy)
    proxy.set_rules(Rule(kind, path=p.SYNC_PULL_PATH, nth=(1,), seconds=1.5))
    sync_through(b, proxy, read_timeout=1.0)
    proxy.clear()
    proxy.wait_idle()
    assert len(proxy.faults(kind)) == 1
    sync_through(b, proxy)
    assert ids <= set(assert_converged(server, [a.session, b.session])["people"])
    history = assessment.person_history(session=b.session, person_id=sorted(ids)[0])
    assert len(history) == 1  # a page applied twice does not double the history


def test_busy_server_retry_after_is_honoured(pair, server, proxy):
    a, _ = pair
    lee = add_person(a, "tent")
    sleeps = SleepLog()
    proxy.set_rules(Rule("busy", path=p.SYNC_PUSH_PATH, nth=(1, 2), seconds=0.25))
    sync_through(a, proxy, sleeps=sleeps)
    assert sleeps[:2] == [0.25, 0.25]  # the server's word, not the client's own backoff
    pushes = [x for x in proxy.requests_to(p.SYNC_PUSH_PATH) if x.n > proxy.epoch]
    assert [x.upstream_status for x in pushes] == [None, None, 200]
    assert lee in assert_converged(server, [a.session])["people"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_faults_on_every_request_then_a_clean_round_converges(pair, server, proxy, seed):
    """A third of all requests misbehave, on both laptops, over several rounds of edits."""
    a, b = pair
    lee = add_person(a, "tent")
    sync_through(a, proxy)
    sync_through(b, proxy)
    proxy.seed, proxy.rate = seed, 0.35
    made = {lee}
    for round_no in range(4):
        for laptop in (a, b):
            who = laptop.session.worker.username
            made.add(add_person(laptop, f"r{round_no}"))
            assessment.save_section(session=laptop.session, person_id=lee, section="housing",
                                    typed={"housing_notes": f"{who} round {round_no}"})
            with contextlib.suppress(SyncError):  # the network won this round; carry on
                sync_through(laptop, proxy, tries=2)
    assert proxy.faults(), "the seed produced no faults: the test proved nothing"
    proxy.clear()
    proxy.wait_idle()
    for laptop in (a, b, a):
        sync_through(laptop, proxy)
    assert set(applied_once_each(proxy).values()) == {1}
    assert set(server_ledger(server.database_url)) == sent_change_ids(proxy)
    state = assert_converged(server, [a.session, b.session])
    assert made <= set(state["people"])
    # Every note any laptop wrote is in Lee's field history, once.
    history = Counter(h.new for h in assessment.person_history(session=a.session, person_id=lee)
                      if h.field == "housing_notes")
    written = {f"{w} round {r}" for w in ("ann", "cal") for r in range(4)} | {"tent"}
    assert set(history) == written and set(history.values()) == {1}
    assert server_scalar(server.database_url, "SELECT count(*) FROM sync_rows WHERE "
                         "table_name = 'people'") == len(state["people"])
    mine = [h for h in state["assessment_history"].values() if h["person_id"] in made]
    assert len(mine) == len(made) + 8  # one per save: a replay never adds a second
