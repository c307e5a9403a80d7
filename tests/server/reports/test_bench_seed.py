"""The quarterly report benchmark's seeded rows are rows a push would store, and the
report reads them into real figures: a bench that measured an empty report would pass."""

from __future__ import annotations

import csv
import io
import secrets
from pathlib import Path

import pytest

from benchmarks import quarterly_report as bench
from benchmarks import sync_server as srv
from sync.server import db
from sync.server.reports.generate import Asked, generate, parse_quarter
from sync.server.settings import Settings


@pytest.mark.postgres
def test_the_benchmark_cohort_gives_a_report_with_figures(postgres_admin_url, tmp_path):
    with srv.throwaway_database() as url:
        server = srv.Server(url, Settings(data_dir=tmp_path, database_url=url),
                            db.make_engine(url), tmp_path / "log", 0, secrets.token_bytes(32))
        try:
            bench.seed(server, people=300)
            with server.session() as session, session.begin():
                done = generate(session, Asked(parse_quarter(bench.QUARTER), None,
                                               tmp_path / "out", "bench"))
        finally:
            server.engine.dispose()

    files = {p.name.split("-the-whole-service-")[1]: p for p in done.files}
    shown = {r["figure"]: r["value"] for r in csv.DictReader(io.StringIO(
        Path(files["figures.csv"]).read_text()))}
    assert done.unreadable_rows == 0
    for figure in ("caseload", "new.custody", "in_treatment", "exits.planned", "ra.required",
                   "change.use.opiates.people", "revolving.6m.people", "waits.arrests"):
        assert shown[figure].isdigit() and int(shown[figure]) >= 5, (figure, shown)
    assert len(Path(files["forms.csv"]).read_text().splitlines()) > 300
