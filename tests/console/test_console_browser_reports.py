"""The Reports page in a real browser against a real server process: a team lead picks a
quarter, reads the team's figures and downloads the signed PDF into chromium's download
folder; IT takes the whole service's evaluator extract. axe-core on each page."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from sync import protocol as p
from tests.console.browser import (
    CHROMEDRIVER,
    CHROMIUM,
    _require_browser,
    look_at,
    screenshot_lower,
)
from tests.console.test_console_browser import (
    _admin_with_totp,
    _click_and_wait,
    _heading,
    _sign_in,
    _submit,
)
from tests.e2e.conftest import PASSWORD, Server
from tests.server.conftest import API, Device
from tests.server.reports import expected
from tests.server.reports.cohort import SECRET_WORDS, push
from tests.server.reports.groups import custody_north
from tests.server.reports.helpers import CUSTODY, pdf_text

pytestmark = pytest.mark.slow


@pytest.fixture
def downloads(tmp_path) -> Path:
    folder = tmp_path / "downloads"
    folder.mkdir()
    return folder


@pytest.fixture
def chromium(tmp_path, downloads) -> Iterator[object]:
    """The suite's headless chromium (browser.py), saving downloads into `downloads`."""
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1366,768", f"--user-data-dir={tmp_path / 'chromium'}"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads), "download.prompt_for_download": False,
        "download.directory_upgrade": True, "safebrowsing.enabled": True})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_window_size(1366, 768)
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@dataclass
class _OverHttp:
    """What tests/server/reports' helpers need of a world, on the real server's API: a
    laptop of the team enrolled by ann, whose enrolment signs her in (her sync credential)."""

    server: Server
    client: httpx.Client

    def enrol(self, team: str) -> Device:
        reply = self.client.post(f"{API}/devices/enrol", json={
            "code": self.server.enrolment_code(team), "device_name": f"{team} laptop 1",
            "username": "ann", "password": PASSWORD})
        assert reply.status_code == 201, reply.text
        body = reply.json()
        device = Device(id=body["device_id"], token=body["device_token"], team_id=body["team_id"])
        signed = body["sign_in"]
        device.credentials = {"ann": (signed["worker"]["worker_id"], signed["sync_credential"])}
        return device


def _pushed(server: Server) -> None:
    """Custody North's cohort (tests/server/reports), pushed by ann's laptop over HTTP."""
    with httpx.Client(base_url=server.url, timeout=30) as client:
        world = _OverHttp(server, client)
        device = world.enrol(CUSTODY)
        rows = custody_north(device.id)
        for change in rows.changes:  # here ann's name, as the server knows her, is "Ann"
            named = [k for k, v in change["fields"].items() if k.endswith("_by_name")
                     and v == "ann"]
            change["fields"].update(dict.fromkeys(named, "Ann"))
            change["content_hash"] = p.content_hash(change)
        push(world, device, rows, "ann")


def _downloaded(folder: Path, suffix: str, timeout: float = 90) -> Path:
    """The file chromium saved, once whole (no .crdownload beside it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.name.endswith(suffix)]
        partial = [p for p in folder.iterdir() if p.name.endswith(".crdownload")]
        if done and not partial:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} in {sorted(p.name for p in folder.iterdir())}")


def _figure(driver, key: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, f'td[data-figure="{key}"]').text


def test_a_team_lead_reads_the_figures_and_downloads_the_signed_pdf(
        chromium, console_server, downloads):
    server, driver = console_server, chromium
    _pushed(server)
    want = expected.cells(5)
    _sign_in(driver, server, "lee")
    _click_and_wait(driver, driver.find_element(By.LINK_TEXT, "Reports"))
    assert _heading(driver) == "Quarterly reports"

    _submit(driver, {"quarter": "2026Q3"}, "Show the figures")

    assert driver.find_element(By.ID, "figures-h").text == \
        "Custody North: 2026Q3, July to September 2026"
    for key in ("caseload", "new.custody", "new.court", "in_treatment", "ra.rate",
                "change.crime_days.mean_change", "waits.released_without_appointment"):
        assert _figure(driver, key) == want[key], key
    assert _figure(driver, "change.use.other.people") == "<5"  # suppressed, as shown
    assert not driver.find_elements(By.ID, "part-extract")  # not a lead's
    look_at(driver, "reports-1-lead")
    screenshot_lower(driver, "reports-2-lead-middle", "#figures-table-3")
    screenshot_lower(driver, "reports-3-lead-change", "#figures-table-5")
    driver.execute_script("window.scrollTo(0, document.body.scrollHeight);")
    look_at(driver, "reports-4-lead-lower")
    driver.execute_script("window.scrollTo(0, 0);")

    pdf_choice = driver.find_element(By.ID, "part-pdf")
    assert pdf_choice.is_selected()
    driver.find_element(By.XPATH, "//button[normalize-space()='Download']").click()

    saved = _downloaded(downloads, ".pdf")
    assert saved.name == "insideout-2026Q3-custody-north-report.pdf"
    assert saved.read_bytes().startswith(b"%PDF-")
    assert CUSTODY in pdf_text(saved.read_bytes())
    assert "report.generated" in server.admin("audit-log", "--event", "report.generated")


def test_it_downloads_the_whole_services_evaluator_extract(chromium, console_server, downloads):
    server, driver = console_server, chromium
    _pushed(server)
    _admin_with_totp(driver, server)
    _click_and_wait(driver, driver.find_element(By.LINK_TEXT, "Reports"))
    assert not driver.find_elements(By.ID, "figures-h")  # IT chooses first
    look_at(driver, "reports-5-it-choose")

    Select(driver.find_element(By.ID, "scope")).select_by_visible_text("The whole service")
    _submit(driver, {"quarter": "2026Q3"}, "Show the figures")

    assert driver.find_element(By.ID, "figures-h").text.startswith("The whole service: 2026Q3")
    assert _figure(driver, "caseload") == expected.cells(5)["caseload"]
    look_at(driver, "reports-6-it-whole-service")
    screenshot_lower(driver, "reports-7-it-downloads", "#part-figures")
    driver.find_element(By.ID, "part-extract").click()
    button = driver.find_element(By.CSS_SELECTOR, "form[action$='/reports/download'] button")
    assert " ".join(button.text.split()) == "Download (takes up to a minute for the whole service)"
    button.click()

    saved = _downloaded(downloads, ".zip")
    assert saved.name == "insideout-2026Q3-the-whole-service-evaluator-extract.zip"
    archive = zipfile.ZipFile(io.BytesIO(saved.read_bytes()))
    assert len(archive.namelist()) == 3
    text = "".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    assert not [word for word in SECRET_WORDS if word.lower() in text.lower()]
