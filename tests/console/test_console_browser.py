"""The console in a real browser (Debian's chromium, headless) against a real server process:
sign-in with TOTP, a real laptop enrolled with a code from the console and wiped after its
revocation there, a team lead's key recovery, refusals; axe-core on every page on the way."""

from __future__ import annotations

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

import main
from app.config import resolve_paths
from app.services.sync import DeviceRevoked, sync_now
from app.store.keys import KdfParams
from sync.protocol.recovery_code import parse_code
from tests.console.browser import look_at, screenshot
from tests.console.helpers import code_now, secret_of
from tests.e2e.conftest import PASSWORD

pytestmark = pytest.mark.slow


def _open(driver, server, path: str) -> None:
    driver.get(f"{server.url}/console{path}")


def _submit(driver, fields: dict[str, str], button: str) -> None:
    for name, value in fields.items():
        box = driver.find_element(By.NAME, name)
        box.clear()
        box.send_keys(value)
    _click_and_wait(driver, driver.find_element(
        By.XPATH, f"//button[normalize-space()='{button}']"))


def _click_and_wait(driver, element) -> None:
    """Click, and wait for the next page: reading the old one would pass or fail by luck."""
    leave_page(driver, element.click)


def leave_page(driver, action) -> None:
    """Mark the page, act, and wait until a new page has loaded (the mark is gone). An
    element of the old page is no use to wait on: chromedriver sometimes answers with an
    inspector error instead of a stale element while the next page loads."""
    driver.execute_script("window.__oldPage = true;")
    action()

    def loaded(d) -> bool:
        try:
            return d.execute_script(
                "return !window.__oldPage && document.readyState === 'complete';")
        except WebDriverException:
            return False  # between two documents

    WebDriverWait(driver, 15).until(loaded)


def _heading(driver) -> str:
    return driver.find_element(By.TAG_NAME, "h1").text


def _sign_in(driver, server, username: str) -> None:
    _open(driver, server, "/sign-in")
    _submit(driver, {"username": username, "password": PASSWORD}, "Sign in")


def _admin_with_totp(driver, server) -> bytes:
    """Sign in as IT, set up the second factor; returns the TOTP secret."""
    _open(driver, server, "/")
    assert _heading(driver) == "Sign in to the console"  # sent here: not signed in
    look_at(driver, "01-sign-in")
    _submit(driver, {"username": "ita", "password": PASSWORD}, "Sign in")
    assert _heading(driver) == "Set up your second factor"
    look_at(driver, "02-totp-enrol")
    secret = secret_of(driver.page_source)
    _submit(driver, {"code": code_now(secret)}, "Confirm and continue")
    assert _heading(driver) == "Your recovery codes"
    assert len(driver.find_elements(By.CSS_SELECTOR, "#recovery-codes li")) == 10
    look_at(driver, "03-recovery-codes")
    _click_and_wait(driver, driver.find_element(By.LINK_TEXT, "I have kept them: continue"))
    assert _heading(driver) == "Welcome, Ita Admin"
    look_at(driver, "04-admin-home")
    return secret


def _laptop(tmp_path, server, code: str):
    device = main.build_device_service(resolve_paths(tmp_path / "laptop"),
                                       kdf=KdfParams.fast_for_tests())
    session = device.enrol(server_url=server.url, code=code, device_name="Custody North laptop 3",
                           username="ann", password=PASSWORD)
    return device, session


def test_it_enrols_a_real_laptop_then_revokes_it_and_the_laptop_wipes(
        browser, console_server, tmp_path):
    server, driver = console_server, browser
    secret = _admin_with_totp(driver, server)
    _click_and_wait(driver, driver.find_element(By.LINK_TEXT, "Laptops"))
    look_at(driver, "05-devices")
    Select(driver.find_element(By.ID, "team_id")).select_by_visible_text("Custody North")
    _click_and_wait(driver, driver.find_element(
        By.XPATH, "//button[normalize-space()='Issue enrolment code']"))
    code = driver.find_element(By.ID, "enrolment-code").text
    assert driver.find_element(By.CSS_SELECTOR, ".qr svg").is_displayed()
    look_at(driver, "06-enrolment-code")

    device, session = _laptop(tmp_path, server, code)  # the app's own enrolment, over HTTP
    assert sync_now(session=session) is not None
    _open(driver, server, "/devices")
    row = driver.find_element(By.XPATH, "//tr[td[1]='Custody North laptop 3']")
    assert "never" not in row.text and "active" in row.text  # its sync shows
    _click_and_wait(driver, row.find_element(By.PARTIAL_LINK_TEXT, "Revoke"))
    assert "cannot be undone" in driver.page_source
    look_at(driver, "07-revoke")
    _submit(driver, {"reason": "stolen from a car"}, "Revoke this laptop")
    assert "not yet wiped" in driver.find_element(
        By.XPATH, "//tr[td[1]='Custody North laptop 3']").text
    look_at(driver, "08-devices-revoked")

    with pytest.raises(DeviceRevoked, match="stolen from a car"):
        sync_now(session=session)
    assert device.usernames() == []  # the key wraps are gone: the store never opens again
    driver.refresh()
    assert ", wiped " in driver.find_element(
        By.XPATH, "//tr[td[1]='Custody North laptop 3']").text

    _click_and_wait(driver, driver.find_element(By.LINK_TEXT, "Audit trail"))
    assert "device.wiped" in driver.page_source and "device.revoked" in driver.page_source
    look_at(driver, "09-audit")
    _submit(driver, {"event": "device."}, "Search")
    assert "console.signed_in" not in driver.page_source
    _click_and_wait(driver, driver.find_element(
        By.XPATH, "//button[normalize-space()='Verify the chain']"))
    assert "Intact:" in driver.find_element(By.ID, "verdict").text
    look_at(driver, "10-audit-verified")

    _click_and_wait(driver, driver.find_element(
        By.XPATH, "//button[normalize-space()='Sign out']"))
    _sign_in(driver, server, "ita")  # again: the password alone is not enough
    assert _heading(driver) == "Second step: your authenticator code"
    look_at(driver, "11-second-factor")
    _submit(driver, {"code": "000000" if code_now(secret, later_steps=1) != "000000"
                     else "111111"}, "Continue")
    assert "not right" in driver.page_source
    _submit(driver, {"code": code_now(secret, later_steps=1)}, "Continue")
    assert _heading(driver) == "Welcome, Ita Admin"


def test_a_forged_form_is_refused(browser, console_server):
    server, driver = console_server, browser
    _admin_with_totp(driver, server)
    _open(driver, server, "/devices")
    # What a page elsewhere could send: the form without this browser's token.
    leave_page(driver, lambda: driver.execute_script(
        "document.querySelector('form.inline-form input[name=csrf]').value = 'f'.repeat(64);"
        "document.querySelector('form.inline-form').submit();"))
    assert _heading(driver) == "This form cannot be accepted"
    look_at(driver, "12-forged-form-refused")
    _open(driver, server, "/devices")
    assert "Codes not yet used" in driver.page_source
    assert not driver.find_elements(By.XPATH, "//h2[text()='Codes not yet used']"
                                    "/following-sibling::div//tbody/tr")  # nothing issued


def test_a_worker_is_refused(browser, console_server):
    server, driver = console_server, browser
    _sign_in(driver, server, "ann")
    assert _heading(driver) == "The console is not for this account"
    assert "InsideOut app on your laptop" in driver.page_source
    look_at(driver, "13-worker-refused")
    _open(driver, server, "/")
    assert _heading(driver) == "Sign in to the console"  # no session was opened


def test_a_team_lead_recovers_a_workers_key(browser, console_server, tmp_path):
    server, driver = console_server, browser
    _device, session = _laptop(tmp_path, server, server.enrolment_code("Custody North"))
    real_key = session.open_store.key_for_escrow()
    _sign_in(driver, server, "lee")  # a team lead without TOTP set up goes straight in
    assert _heading(driver) == "Welcome, Lee"
    look_at(driver, "14-lead-home")
    _click_and_wait(driver, driver.find_element(By.LINK_TEXT, "Recover a key"))
    look_at(driver, "15-recover")
    Select(driver.find_element(By.ID, "device_id")).select_by_visible_text(
        "Custody North laptop 3")
    Select(driver.find_element(By.ID, "worker_id")).select_by_visible_text("Ann (ann)")
    _submit(driver, {"reason": "forgot password after leave"}, "Recover the key")
    assert _heading(driver) == "Key recovered"
    recovered = parse_code(driver.find_element(By.ID, "store-key").text)
    assert recovered == real_key  # the very key that opens ann's laptop
    look_at(driver, "16-recovered")
    _click_and_wait(driver, driver.find_element(By.LINK_TEXT, "Notifications"))
    assert "recovered for ann: forgot password after leave" in driver.page_source
    look_at(driver, "17-notifications")
    _click_and_wait(driver, driver.find_element(
        By.XPATH, "//button[starts-with(normalize-space(), 'Mark as read')]"))
    assert not driver.find_elements(By.CSS_SELECTOR, ".note-unread")
    _click_and_wait(driver, driver.find_element(By.LINK_TEXT, "Break-glass"))
    look_at(driver, "18-break-glass")
    _open(driver, server, "/devices")
    assert _heading(driver) == "For IT only"
    screenshot(driver, "19-lead-refused-it-page")
    session.close()
