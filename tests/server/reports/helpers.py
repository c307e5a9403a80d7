"""Pushing the cohort and generating a report in the test's rolled-back database."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from pypdf import PdfReader

from sync.server.reports.generate import Asked, generate, parse_quarter
from tests.server.reports.cohort import SIZES, Pushed, push
from tests.server.reports.groups import custody_north, prison_in_reach

TODAY = date(2026, 10, 5)
CUSTODY = "Custody North"


def push_custody_north(world, court: int = SIZES["C"]) -> Pushed:
    device = world.enrol(CUSTODY)
    pushed = custody_north(device.id, court)
    push(world, device, pushed, "ann")
    return pushed


def push_prison_in_reach(world) -> Pushed:
    device = world.enrol("Prison In-Reach")
    pushed = prison_in_reach(device.id)
    push(world, device, pushed, "bob")
    return pushed


def report_files(world, out: Path, quarter: str = "2026Q3", team: str | None = CUSTODY,
                 **options: int) -> dict[str, bytes]:
    """{"report.pdf": ..., "figures.csv": ..., ...}: each file the report wrote, by the
    part of its name after the quarter and scope."""
    with world.sessions.begin() as session:
        done = generate(session, Asked(parse_quarter(quarter), team, out, "cli:tester",
                                       generated_by="tester, on the server", today=TODAY),
                        **options)
    return {_part(path.name): path.read_bytes() for path in done.files}


def _part(name: str) -> str:
    for part in ("ndtms-episodes.csv", "report.pdf", "figures.csv", "people.csv",
                 "forms.csv", "episodes.csv"):
        if name.endswith("-" + part):
            return part
    raise AssertionError(name)


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def figures(data: bytes) -> dict[str, str]:
    return {row["figure"]: row["value"] for row in rows(data)}


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def table_values(text: str, label: str, columns: int = 1) -> list[list[str]]:
    """The values printed after each line that is exactly `label` (a table row: pypdf
    gives the label's line, then one line per figure)."""
    lines = [line.strip() for line in text.splitlines()]
    return [lines[i + 1:i + 1 + columns] for i, line in enumerate(lines) if line == label]
