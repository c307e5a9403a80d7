"""A report's files for a browser: generated into a private temporary folder, read back,
the folder removed, and the files asked for returned as one download (a zip when more than
one). The console's Reports page serves them.

Generation is generate.generate, audited there as `report.generated` like the CLI's. The
files are on disk only while it runs: the folder is removed before the download is sent,
so nothing is left behind even when the browser goes away halfway. Which file goes back
is chosen here from the names generate wrote, never from a path a request sent.
"""

from __future__ import annotations

import io
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from app.domain.outcomes.months import Quarter

TEMP_FOLDER = "report-tmp"  # inside the server's data folder, 0700
# In a web server's thread, the extracts are made in turn, never in a forked child
# (parallel.py): a fork of a process with other threads running may deadlock.
NO_FORK = sys.maxsize


@dataclass(frozen=True)
class Part:
    title: str  # what the page offers
    holds: str  # what is in it, and who it is for (docs/REPORTS.md's table)
    files: tuple[str, ...]  # the ends of generate's file names
    name: str  # the download's name after "insideout-<quarter>-<scope>-"
    media_type: str


CSV = "text/csv; charset=utf-8"
ZIP = "application/zip"
_EVERY = ("report.pdf", "figures.csv", "people.csv", "forms.csv", "episodes.csv",
          "ndtms-episodes.csv")
PARTS = {
    "pdf": Part("The signed report (PDF)", "Every figure, with charts and how each is "
                "counted; signed. For partners and commissioners.", ("report.pdf",),
                "report.pdf", "application/pdf"),
    "figures": Part("The published figures (CSV)", "Every figure of the PDF by its key, as "
                    "printed. For anyone the PDF may go to.", ("figures.csv",),
                    "figures.csv", CSV),
    "extract": Part("The evaluator's extract (zip of three CSV files)", "People, outcome "
                    "forms and episodes under pseudonyms: months only, no names or "
                    "identifiers. For the external evaluator.",
                    ("people.csv", "forms.csv", "episodes.csv"), "evaluator-extract.zip", ZIP),
    "ndtms": Part("The NDTMS episodes (CSV)", "Episodes open in the quarter, in the NDTMS "
                  "core data set's fields and codes, with full dates. For the national "
                  "return only: never send it to whoever has the evaluator's extract (the "
                  "two together link people to full dates).",
                  ("ndtms-episodes.csv",), "ndtms-episodes.csv", CSV),
    "all": Part("Every file (zip)", "All of the above in one zip, for IT's own keeping: "
                "not to send on, as it holds both the extract and the NDTMS file.", _EVERY,
                "all-files.zip", ZIP),
}


@dataclass(frozen=True)
class Download:
    filename: str
    media_type: str
    data: bytes
    scope: str  # the team's name or "the whole service"
    sent: tuple[str, ...]  # the report's files it holds


def download(session: Session, *, quarter: Quarter, team_name: str | None, part: str,
             actor: str, generated_by: str, data_dir: Path) -> Download:
    """Generate the report (audited) and return the files of `part` (a key of PARTS)."""
    # Here, not at the top: the console's pages load without reportlab and pyHanko.
    from sync.server.reports.generate import Asked, generate

    wanted = PARTS[part]
    holder = data_dir / TEMP_FOLDER
    holder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="report-", dir=holder) as folder:
        done = generate(session, Asked(quarter, team_name, Path(folder), actor,
                                       generated_by=generated_by), parallel_from=NO_FORK)
        files = _by_part(done.files)
        chosen = {files[end].name: files[end].read_bytes() for end in wanted.files}
    stem = next(iter(chosen)).removesuffix("-" + wanted.files[0])
    if len(chosen) == 1:
        [data] = chosen.values()
    else:
        data = _zipped(chosen)
    return Download(f"{stem}-{wanted.name}", wanted.media_type, data, done.scope.name,
                    tuple(chosen))


def _by_part(paths: tuple[Path, ...]) -> dict[str, Path]:
    """Each generated file by its part: 'insideout-2026Q3-custody-north-forms.csv' ->
    'forms.csv'. The stem is the PDF's (there is one): a part's name read from the end
    would take a team called "NDTMS" for the NDTMS file."""
    [pdf] = [p for p in paths if p.name.endswith("-report.pdf")]
    stem = pdf.name.removesuffix("report.pdf")
    return {p.name.removeprefix(stem): p for p in paths}


def _zipped(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()
