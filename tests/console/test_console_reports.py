"""The Reports page over plain HTTP, on SQLite and PostgreSQL: a team lead's figures against
the cohort worked out by hand (tests/server/reports/expected.py), downloads generated,
audited and cleaned up, and the refusals (another team, the extracts, no CSRF token, a
worker)."""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from datetime import UTC, date, datetime

from sqlalchemy import select

from sync.server.models import AuditEvent
from sync.server.reports.downloads import TEMP_FOLDER
from tests.console.helpers import csrf_of, sign_in
from tests.console.test_console_http import _admin_signed_in
from tests.server.conftest import PASSWORD
from tests.server.reports import expected
from tests.server.reports.cohort import PII, SECRET_WORDS
from tests.server.reports.helpers import (
    figures,
    pdf_text,
    push_custody_north,
    push_prison_in_reach,
    rows,
)

CUSTODY, PRISON = "Custody North", "Prison In-Reach"
FIGURE = re.compile(r'data-figure="([^"]+)">([^<]*)<')


def _shown(page: str) -> dict[str, str]:
    """Each figure on the page by its key, as a reader sees it (a rise's "+" taken off,
    as the hand-worked values are written without it)."""
    return {key: html.unescape(text).removeprefix("+") for key, text in FIGURE.findall(page)}


def _events(db, action: str) -> list[AuditEvent]:
    db.expire_all()
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)
                           .order_by(AuditEvent.id)))


def _download(client, page: str, part: str, **fields: str):
    form = {"csrf": csrf_of(page), "quarter": "2026Q3", "part": part,
            "scope": re.search(r'name="scope" value="([^"]*)"', page).group(1), **fields}
    return client.post("/console/reports/download", data=form)


def _last_complete_quarter() -> str:
    today = datetime.now(UTC).date()
    index = (today.year * 4 + (today.month - 1) // 3) - 1
    return f"{index // 4}Q{index % 4 + 1}"


def test_a_lead_sees_their_teams_figures_as_worked_out_by_hand(world, client):
    push_custody_north(world, court=4)  # the court route at 4: "<5", and "other" hidden too
    sign_in(client, "lee", PASSWORD)

    page = client.get("/console/reports", params={"quarter": "2026Q3"})

    assert page.status_code == 200, page.text
    assert _shown(page.text) == expected.cells(4)  # every figure, none more
    assert _shown(page.text)["new.court"] == "<5" and _shown(page.text)["new.other"] == "*"
    assert "<h2 id=\"figures-h\">Custody North: 2026Q3, July to September 2026</h2>" in page.text
    assert '<th scope="row">New this quarter: court</th><td class="num" ' \
           'data-figure="new.court">&lt;5</td>' in page.text
    for mark, words in (("&lt;5", "fewer than 5 people or events"),
                        ("n&lt;5", "a mean, median or percentage resting on fewer than 5"),
                        ("*", "hidden so that a figure under 5 cannot be worked out"),
                        ("-", "nothing to compute")):
        assert f"<dt><code>{mark}</code></dt><dd>{words}" in page.text
    assert page.text.count("<h1") == 1 and page.text.count("<caption>") == 6
    assert 'value="extract"' not in page.text and 'value="ndtms"' not in page.text
    assert "for the service's return" in html.unescape(page.text)  # why a lead has no extract
    assert 'aria-current="page">Reports</a>' in page.text


def test_the_page_opens_on_the_last_complete_quarter_and_explains_a_wrong_one(world, client):
    sign_in(client, "lee", PASSWORD)

    first = client.get("/console/reports")
    wrong = client.get("/console/reports", params={"quarter": "summer"})
    future = client.get("/console/reports", params={"quarter": f"{date.today().year + 2}Q1"})

    assert first.status_code == 200
    assert f'name="quarter" value="{_last_complete_quarter()}"' in first.text
    assert "data-figure=" in first.text  # the team's figures at once (nobody yet: "<5")
    assert wrong.status_code == 422 and "is not a quarter" in wrong.text
    assert "for July to September 2026" in wrong.text and 'aria-invalid="true"' in wrong.text
    assert "data-figure=" not in wrong.text
    assert future.status_code == 422 and "has not begun yet" in future.text


def test_a_lead_downloads_the_signed_pdf_and_the_figures_audited(world, client, db, settings):
    push_custody_north(world)
    sign_in(client, "lee", PASSWORD)
    page = client.get("/console/reports", params={"quarter": "2026Q3"}).text

    pdf = _download(client, page, "pdf")
    csv = _download(client, page, "figures")

    assert pdf.status_code == 200, pdf.text[:500]
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == \
        'attachment; filename="insideout-2026Q3-custody-north-report.pdf"'
    assert pdf.headers["cache-control"] == "no-store"
    assert pdf.content.startswith(b"%PDF-")
    text = pdf_text(pdf.content)
    assert CUSTODY in text and "lee, in the web console" in text
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert csv.headers["content-disposition"].endswith('custody-north-figures.csv"')
    assert figures(csv.content) == expected.cells(5)
    lee = f"worker:{world.workers['lee']}"
    generated = _events(db, "report.generated")
    assert [e.actor for e in generated] == [lee, lee]  # one per download
    detail = json.loads(generated[0].detail)
    assert (detail["quarter"], detail["scope"]) == ("2026Q3", CUSTODY)
    sent = [json.loads(e.detail) for e in _events(db, "console.report_downloaded")]
    assert [(s["part"], s["sent"]) for s in sent] == [
        ("pdf", "insideout-2026Q3-custody-north-report.pdf"),
        ("figures", "insideout-2026Q3-custody-north-figures.csv")]
    assert list((settings.data_dir / TEMP_FOLDER).iterdir()) == []  # nothing left on disk


def test_a_lead_is_refused_another_team_and_the_extracts(world, client, db):
    push_custody_north(world)
    sign_in(client, "lee", PASSWORD)
    page = client.get("/console/reports", params={"quarter": "2026Q3"}).text
    prison = world.teams[PRISON]

    other_page = client.get("/console/reports", params={"quarter": "2026Q3", "scope": prison})
    other_pdf = _download(client, page, "pdf", scope=prison)
    everyone = _download(client, page, "pdf", scope="all")
    extracts = [_download(client, page, part) for part in ("extract", "ndtms", "all")]

    assert other_page.status_code == 403
    assert "own team's report only" in html.unescape(other_page.text)
    assert other_pdf.status_code == 403 and everyone.status_code == 403
    assert [r.status_code for r in extracts] == [403, 403, 403]
    assert "for the service's return" in html.unescape(extracts[0].text)
    assert _events(db, "report.generated") == []  # nothing was generated


def test_a_download_without_the_csrf_token_is_refused(world, client, db):
    sign_in(client, "lee", PASSWORD)
    page = client.get("/console/reports", params={"quarter": "2026Q3"}).text

    forged = _download(client, page, "pdf", csrf="0" * 64)
    missing = client.post("/console/reports/download", data={"quarter": "2026Q3", "part": "pdf"})

    assert forged.status_code == 403 and "security token" in forged.text
    assert missing.status_code == 403
    assert _events(db, "report.generated") == []


def test_an_admin_downloads_the_evaluators_extract_and_it_names_nobody(world, client, db):
    pushed = push_custody_north(world)
    push_prison_in_reach(world)
    _admin_signed_in(world, client)
    first = client.get("/console/reports")
    assert first.status_code == 200 and "data-figure=" not in first.text  # choose first
    assert '<option value="all">The whole service</option>' in first.text  # first: the default
    page = client.get("/console/reports", params={"quarter": "2026Q3", "scope": "all"}).text
    whole = _shown(page)
    assert {key: whole[key] for key in expected.WHOLE_SERVICE} == expected.WHOLE_SERVICE
    assert "takes up to a minute for the whole service" in page

    extract = _download(client, page, "extract")

    assert extract.status_code == 200, extract.text[:500]
    assert extract.headers["content-type"] == "application/zip"
    assert extract.headers["content-disposition"] == \
        'attachment; filename="insideout-2026Q3-the-whole-service-evaluator-extract.zip"'
    archive = zipfile.ZipFile(io.BytesIO(extract.content))
    files = {name.rsplit("-", 1)[-1]: archive.read(name) for name in archive.namelist()}
    assert sorted(files) == ["episodes.csv", "forms.csv", "people.csv"]
    assert len(rows(files["people.csv"])) == 37  # both teams' people first seen by 30/09
    person_ids = [pid for ids in pushed.groups.values() for pid in ids]
    banned = [*SECRET_WORDS, *(v for k, v in PII.items() if k != "date_of_birth"),
              "1984-03", *person_ids]
    for name, data in files.items():
        text = data.decode("utf-8").lower()
        found = [word for word in banned if word.lower() in text]
        assert not found, f"{name} holds {found[:5]}"
    [event] = _events(db, "report.generated")
    assert event.actor.startswith("worker:") and json.loads(event.detail)["scope"] == \
        "the whole service"


def test_an_admin_takes_one_team_s_ndtms_episodes_or_every_file(world, client):
    push_custody_north(world)
    _admin_signed_in(world, client)
    team = world.teams[CUSTODY]
    page = client.get("/console/reports", params={"quarter": "2026q3", "scope": team}).text
    assert _shown(page) == expected.cells(5)
    assert f'<option value="{team}" selected>{CUSTODY}</option>' in page
    assert "takes up to a minute" not in page  # a team's report is quick

    ndtms = _download(client, page, "ndtms")
    every = _download(client, page, "all")
    unknown = _download(client, page, "pdf", scope="no-such-team")
    no_part = _download(client, page, "the database")

    assert ndtms.headers["content-disposition"].endswith('custody-north-ndtms-episodes.csv"')
    assert "CLIENT_REF" in ndtms.text and len(rows(ndtms.content)) > 0
    names = zipfile.ZipFile(io.BytesIO(every.content)).namelist()
    assert sorted(n.removeprefix("insideout-2026Q3-custody-north-") for n in names) == [
        "episodes.csv", "figures.csv", "forms.csv", "ndtms-episodes.csv", "people.csv",
        "report.pdf"]
    assert unknown.status_code == 422 and "no such team" in unknown.text
    assert "data-figure=" not in unknown.text  # not the whole service's instead
    assert no_part.status_code == 422 and "Choose one of the files" in no_part.text
    assert "data-figure=" in no_part.text  # the files to choose from are on the page


def test_a_worker_cannot_reach_the_reports_page(world, client):
    refused = sign_in(client, "ann", PASSWORD)
    assert refused.status_code == 403

    page = client.get("/console/reports", follow_redirects=False)
    download = client.post("/console/reports/download", data={"quarter": "2026Q3",
                                                              "part": "pdf"},
                           follow_redirects=False)

    assert page.status_code == 303 and page.headers["location"] == "/console/sign-in"
    assert download.status_code in (303, 403)  # no session, and no token either
