"""What leaves for the evaluator and the national return names nobody: no name, no
identifier, no full date of birth, no free text; each person keeps one pseudonym from
quarter to quarter, and another server (its own database and master key) gives others."""

from __future__ import annotations

import copy
import io
import json
import threading
import uuid

import pytest
from cryptography.exceptions import InvalidTag
from fastapi.testclient import TestClient
from pypdf import PdfReader

from sync import protocol as p
from sync.server import db as server_db
from sync.server.app import create_app
from sync.server.models import ReportKey
from sync.server.reports.keys import pseudonym_key
from tests.server.conftest import MASTER_KEY, World, cheap_settings
from tests.server.reports.cohort import PII, SECRET_WORDS, Pushed, push
from tests.server.reports.helpers import (
    CUSTODY,
    pdf_text,
    push_custody_north,
    report_files,
    rows,
)

OTHER_MASTER_KEY = bytes(range(100, 132))


def test_no_name_identifier_full_birth_date_or_free_text_in_any_file(world, tmp_path):
    pushed = push_custody_north(world)

    files = report_files(world, tmp_path)

    person_ids = [pid for ids in pushed.groups.values() for pid in ids]
    row_ids = [c["row_id"] for c in pushed.changes]
    reader = PdfReader(io.BytesIO(files["report.pdf"]))
    readable = {**{name: data.decode("utf-8") for name, data in files.items()
                   if name.endswith(".csv")},
                "report.pdf text": pdf_text(files["report.pdf"]),
                "report.pdf metadata": json.dumps({k: str(v) for k, v in
                                                   (reader.metadata or {}).items()}),
                "report.pdf bytes": files["report.pdf"].decode("latin-1")}
    banned = [*SECRET_WORDS, *(v for k, v in PII.items() if k != "date_of_birth"),
              "03/1984", "1984-03", *person_ids, *row_ids]
    for name, content in readable.items():
        found = [word for word in banned if word.lower() in content.lower()]
        assert not found, f"{name} holds {found[:5]}"
    people = rows(files["people.csv"])
    assert {p["birth_year"] for p in people} >= {"1984"}  # the year, and only the year
    assert all(len(p["pseudonym"]) == 16 for p in people)
    for name in ("people.csv", "forms.csv", "episodes.csv"):  # months, never days
        assert all(not v or len(v) == 7 for r in rows(files[name]) for k, v in r.items()
                   if k.endswith("month")), name


def test_a_person_keeps_one_pseudonym_from_quarter_to_quarter(world, tmp_path):
    push_custody_north(world)

    spring = rows(report_files(world, tmp_path / "q2", quarter="2026Q2")["people.csv"])
    summer = rows(report_files(world, tmp_path / "q3", quarter="2026Q3")["people.csv"])

    # Only D and F (8 people) were first seen by the end of June.
    assert len(spring) == 8
    seen_before = {(p["pseudonym"], p["route"], p["first_contact_month"]) for p in summer
                   if p["first_contact_month"] <= "2026-06"}
    assert {(p["pseudonym"], p["route"], p["first_contact_month"]) for p in spring} == \
        seen_before


def test_two_servers_give_the_same_people_different_pseudonyms(world, tmp_path):
    pushed = push_custody_north(world)
    here = {p["pseudonym"] for p in rows(report_files(world, tmp_path / "a")["people.csv"])}

    elsewhere = _other_server(tmp_path, pushed)

    assert len(elsewhere) == len(here) == 32
    assert not here & elsewhere


def _other_server(tmp_path, pushed: Pushed) -> set[str]:
    """The same people pushed to a second server (its own SQLite database and master key)."""
    engine = server_db.make_engine(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    server_db.migrate(engine)
    sessions = server_db.session_factory(engine, master_key=OTHER_MASTER_KEY)
    settings = cheap_settings(tmp_path / "other", engine.url.render_as_string())
    try:
        with TestClient(create_app(settings, sessions=sessions,
                                   master_key=OTHER_MASTER_KEY)) as client:
            other = World(client=client, sessions=sessions, settings=settings)
            other.add_team(CUSTODY)
            other.add_worker("ann", CUSTODY)
            device = other.enrol(CUSTODY)
            copied = Pushed(device.id, "ann", _moved(pushed, device.id))
            push(other, device, copied, "ann")
            return {p["pseudonym"] for p in rows(report_files(other, tmp_path / "b")
                                                 ["people.csv"])}
    finally:
        engine.dispose()


def _moved(pushed: Pushed, device_id: str) -> list[dict]:
    """The same changes (same people, same rows) as another laptop would push them."""
    text = json.dumps(copy.deepcopy(pushed.changes)).replace(pushed.device_id, device_id)
    changes = json.loads(text)
    for body in changes:
        body["change_id"] = str(uuid.uuid4())
        body["content_hash"] = p.content_hash(body)
    return changes


def test_the_pseudonym_key_is_sealed_and_opens_only_with_its_master_key(db):
    key = pseudonym_key(db)

    row = db.get(ReportKey, "pseudonym")
    assert len(key) == 32 and pseudonym_key(db) == key
    assert key not in row.sealed
    db.info[server_db.MASTER_KEY_INFO] = OTHER_MASTER_KEY
    with pytest.raises(InvalidTag):
        pseudonym_key(db)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql",
                                                            marks=pytest.mark.postgres)])
def test_two_first_uses_at_once_agree_on_one_key(backend, tmp_path, request):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'keys.sqlite3'}"
    else:
        url = request.getfixturevalue("fresh_postgres_database")
    engine = server_db.make_engine(url)
    server_db.migrate(engine)
    sessions = server_db.session_factory(engine, master_key=MASTER_KEY)
    found: list[bytes] = []
    try:
        with sessions.begin() as first:
            found.append(pseudonym_key(first))  # made, not yet committed
            second = threading.Thread(target=lambda: _key_in_own_session(sessions, found))
            second.start()
            second.join(timeout=1.0)  # it waits for this transaction (row or write lock)
        second.join(timeout=30)
    finally:
        engine.dispose()
    assert len(found) == 2 and found[0] == found[1]


def _key_in_own_session(sessions, found: list[bytes]) -> None:
    with sessions.begin() as session:
        found.append(pseudonym_key(session))
