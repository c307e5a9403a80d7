"""A real server process and Debian's chromium, driven by Selenium (headless, 1366x768).

Skipped only when chromium or chromedriver is truly absent and INSIDEOUT_REQUIRE_BROWSER is
unset; CI (.ci/run) sets it, so there a missing browser fails instead of passing quietly."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import PASSWORD, Server

CHROMIUM = Path(os.environ.get("INSIDEOUT_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("INSIDEOUT_CHROMEDRIVER", "/usr/bin/chromedriver"))
SHOTS = Path(os.environ.get("INSIDEOUT_CONSOLE_SHOTS", "/tmp/console-shots"))
AXE = Path(__file__).parent / "axe" / "axe.min.js"  # axe-core from the npm registry (README)


def _require_browser() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if not missing:
        return
    message = (f"{' and '.join(missing)} missing: apt-get install -y chromium "
               "chromium-driver")
    if os.environ.get("INSIDEOUT_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (INSIDEOUT_REQUIRE_BROWSER=1 forbids skipping)")
    pytest.skip(message)


@pytest.fixture
def browser(tmp_path) -> Iterator[object]:
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1366,768", f"--user-data-dir={tmp_path / 'chromium'}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_window_size(1366, 768)
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def console_server(tmp_path) -> Iterator[Server]:
    """The e2e server, with IT, a team lead and two workers of Custody North."""
    data_dir = tmp_path / "server"
    data_dir.mkdir()
    srv = Server(data_dir, f"sqlite:///{data_dir / 'server.sqlite3'}")
    srv.admin("init")
    srv.admin("create-team", "--name", "Custody North")
    srv.admin("create-admin", "--username", "ita", "--display-name", "Ita Admin",
              "--password-stdin", stdin=PASSWORD + "\n")
    for user, role in (("lee", "team_lead"), ("ann", "worker"), ("cal", "worker")):
        srv.admin("create-worker", "--team", "Custody North", "--username", user,
                  "--display-name", user.capitalize(), "--role", role, "--password-stdin",
                  stdin=PASSWORD + "\n")
    srv.start()
    yield srv
    srv.stop()


def screenshot(driver: object, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    driver.save_screenshot(str(path))  # type: ignore[attr-defined]
    return path


def serious_violations(driver: object) -> list[str]:
    """axe-core's serious and critical findings on the page now (WCAG 2.x A and AA)."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    result = driver.execute_async_script(  # type: ignore[attr-defined]
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',"
        " 'best-practice']}).then(r => done(JSON.stringify(r.violations)));")
    return [f"{v['impact']}: {v['id']} ({v['help']}) at "
            f"{[n['target'] for n in v['nodes']][:3]}"
            for v in json.loads(result) if v["impact"] in ("serious", "critical")]


def look_at(driver: object, name: str) -> None:
    """Screenshot the page, then fail on any serious or critical accessibility finding."""
    screenshot(driver, name)
    found = serious_violations(driver)
    assert not found, f"{name}: " + "; ".join(found)


def screenshot_lower(driver: object, name: str, css: str) -> Path:
    """A second screenshot of a long page, scrolled to the element `css` names (a form
    below the fold is looked at too), then back to the top."""
    driver.execute_script(  # type: ignore[attr-defined]
        "document.querySelector(arguments[0]).scrollIntoView({block: 'start'});", css)
    path = screenshot(driver, name)
    driver.execute_script("window.scrollTo(0, 0);")  # type: ignore[attr-defined]
    return path
