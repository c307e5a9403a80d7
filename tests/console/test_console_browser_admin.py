"""IT's account, team and health pages and a team lead's team page in the browser, with
axe-core on each; and proof that the axe check itself can fail."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.console.browser import look_at, serious_violations
from tests.console.test_console_browser import (
    _admin_with_totp,
    _click_and_wait,
    _heading,
    _open,
    _sign_in,
    _submit,
)

pytestmark = pytest.mark.slow
NEW_PASSWORD = "copper kettle lantern meadow"


def test_the_accessibility_check_finds_a_real_violation(browser, console_server):
    """A guard on the guard: an unlabelled field on a console page must be reported."""
    _open(browser, console_server, "/sign-in")
    browser.execute_script("document.querySelector('label[for=password]').remove();"
                           "document.documentElement.removeAttribute('lang');")
    found = serious_violations(browser)
    assert any("label" in f for f in found) and any("html-has-lang" in f for f in found)


def test_it_adds_an_account_and_its_owner_sets_a_password(browser, console_server):
    server, driver = console_server, browser
    _admin_with_totp(driver, server)
    _click_and_wait(driver, driver.find_element(By.LINK_TEXT, "Teams"))
    _submit(driver, {"name": "Court Team"}, "Add the team")
    assert "Court Team" in driver.page_source
    look_at(driver, "20-teams")
    _click_and_wait(driver, driver.find_element(By.LINK_TEXT, "Accounts"))
    look_at(driver, "21-accounts")
    Select(driver.find_element(By.ID, "worker-team")).select_by_visible_text("Court Team")
    _submit(driver, {"display_name": "Dee Walker", "username": "dee"}, "Add the account")
    code = driver.find_element(By.ID, "reset-code").text
    look_at(driver, "22-account-code")
    _click_and_wait(driver, driver.find_element(By.LINK_TEXT, "Approvals"))
    assert _heading(driver) == "Laptop approvals"
    look_at(driver, "27-approvals")
    _click_and_wait(driver, driver.find_element(By.LINK_TEXT, "Sync health"))
    assert _heading(driver) == "Sync health"
    look_at(driver, "23-sync-health")
    _click_and_wait(driver, driver.find_element(
        By.XPATH, "//button[normalize-space()='Sign out']"))

    _open(driver, server, "/password")  # dee, who has no way into the console itself
    look_at(driver, "24-choose-password")
    _submit(driver, {"username": "dee", "code": code, "password": NEW_PASSWORD,
                     "again": NEW_PASSWORD}, "Set my password")
    assert "Your new password is set" in driver.page_source
    look_at(driver, "25-password-set")


def test_a_team_lead_sees_their_team(browser, console_server):
    server, driver = console_server, browser
    _sign_in(driver, server, "lee")
    _click_and_wait(driver, driver.find_element(By.LINK_TEXT, "Team"))
    assert _heading(driver) == "Your team" and "Nobody is waiting" in driver.page_source
    assert driver.find_element(By.XPATH, "//td[text()='ann']").is_displayed()
    look_at(driver, "26-lead-team")
