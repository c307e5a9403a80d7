"""What the admin CLI does, through the console's real pages in chromium: IT approves a
colleague for a laptop ahead and the real laptop then lets them in, hands a person made on
that laptop over to another team, reads the writes to their record, backs the database up
and adds a partner account; a team lead approves ahead within their team, turns on a
second factor and signs in with it, and IT removes it again. axe-core on every page."""

from __future__ import annotations

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from app.services import people
from app.services.sync import sync_now
from app.services.views import PersonInput
from sync import protocol as p
from tests.console.browser import look_at, screenshot_lower
from tests.console.helpers import code_now, secret_of
from tests.console.test_console_browser import (
    _admin_with_totp,
    _click_and_wait,
    _heading,
    _laptop,
    _open,
    _sign_in,
    _submit,
)
from tests.e2e.conftest import PASSWORD

pytestmark = pytest.mark.slow


def _button(driver, text: str) -> None:
    _click_and_wait(driver, driver.find_element(
        By.XPATH, f"//button[normalize-space()='{text}']"))


def _link(driver, text: str) -> None:
    _click_and_wait(driver, driver.find_element(By.LINK_TEXT, text))


def test_it_approves_ahead_hands_a_person_over_and_backs_up(browser, console_server, tmp_path):
    server, driver = console_server, browser
    device, session = _laptop(tmp_path, server, server.enrolment_code("Custody North"))
    person = people.create_person(session=session, person=PersonInput(
        given_name="Darren", family_name="Smith", date_of_birth="23/11/1984", sex="1"))
    assert sync_now(session=session).pushed > 0
    session.close()

    _admin_with_totp(driver, server)
    _link(driver, "Approvals")
    assert _heading(driver) == "Laptop approvals"
    look_at(driver, "28-approvals-ahead")
    Select(driver.find_element(By.ID, "allow-device")).select_by_visible_text(
        "Custody North laptop 3")
    Select(driver.find_element(By.ID, "allow-worker")).select_by_visible_text("Cal (cal)")
    _button(driver, "Approve ahead")
    decided = driver.find_element(By.ID, "decided").text
    assert "Cal (cal) is approved ahead for laptop “Custody North laptop 3”" in decided
    cal = device.sign_in(username="cal", passphrase=PASSWORD)  # the real laptop lets cal in
    assert cal.worker.username == "cal"
    cal.close()
    _link(driver, "Show every decision too")
    assert "not asked" in driver.find_element(By.XPATH, "//tr[td[1]='Cal (cal)']").text
    look_at(driver, "29-approvals-every-decision")
    screenshot_lower(driver, "29b-approvals-lower", "#ahead-h")

    _link(driver, "Teams")
    _submit(driver, {"name": "Court Team"}, "Add the team")
    _link(driver, "Handovers")
    look_at(driver, "30-handovers")
    _submit(driver, {"person_id": person.id}, "Find the person")
    assert "Now Custody North's" in driver.page_source and "What happens" in driver.page_source
    look_at(driver, "31-handover-form")
    screenshot_lower(driver, "31b-handover-form-lower", "#person-h")
    Select(driver.find_element(By.ID, "to_team_id")).select_by_visible_text("Court Team")
    driver.find_element(By.ID, "reason-release").click()
    _submit(driver, {"note": "Released Friday: meet him at the gate"}, "Hand the person over")
    assert "is handed over from Custody North to Court Team" in driver.find_element(
        By.ID, "moved").text
    assert driver.find_element(By.XPATH, f"//tr[td[1]='{person.id}']").is_displayed()
    look_at(driver, "32-handover-done")
    screenshot_lower(driver, "32b-handover-done-lower", "#open-h")

    _link(driver, "Audit trail")
    _link(driver, "writes to a person's record")
    _submit(driver, {"person_id": person.id}, "Show the writes")
    page = driver.page_source
    assert "Ann (ann)" in page and "Custody North laptop 3" in page and "Darren" not in page
    look_at(driver, "33-record-writes")
    screenshot_lower(driver, "33b-record-writes-lower", "#events-h")

    _link(driver, "Backup")
    look_at(driver, "34-backup")
    _button(driver, "Back up now")
    made = driver.find_element(By.ID, "backup-made").text
    assert str(server.data_dir / "backups") in made
    [copy] = (server.data_dir / "backups").glob("insideout-*.sqlite3")
    assert copy.stat().st_size > 0
    look_at(driver, "35-backup-done")
    screenshot_lower(driver, "35b-backup-list", "#kept-h")

    _link(driver, "Accounts")
    Select(driver.find_element(By.ID, "role")).select_by_visible_text("partner (read-only)")
    Select(driver.find_element(By.ID, "worker-team")).select_by_visible_text("Court Team")
    Select(driver.find_element(By.ID, "partner-agency")).select_by_visible_text("probation")
    _submit(driver, {"display_name": "Pam Probation", "username": "pam"}, "Add the account")
    assert _heading(driver) == "Account made for Pam Probation"
    _link(driver, "Back to the accounts")
    assert "partner (read-only), probation" in driver.find_element(
        By.XPATH, "//tr[td[2]='pam']").text
    look_at(driver, "36-accounts-partner")
    screenshot_lower(driver, "36b-accounts-list", "#workers-h")
    _link(driver, "Laptops")
    Select(driver.find_element(By.ID, "team_id")).select_by_visible_text("Court Team")
    _submit(driver, {"count": "2"}, "Issue enrolment code")
    assert _heading(driver) == "2 enrolment codes for Court Team"
    look_at(driver, "37a-enrolment-codes-batch")
    _click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "a.who"))
    assert _heading(driver) == "Your sign-in"
    look_at(driver, "37c-admin-security")
    _open(driver, server, "/devices?codes=all")
    assert _heading(driver) == "Laptops" and "spent" in driver.page_source
    look_at(driver, "37-devices-every-code")
    screenshot_lower(driver, "37b-devices-codes", "#codes-h")


def test_a_team_lead_approves_ahead_and_turns_on_a_second_factor(browser, console_server):
    server, driver = console_server, browser
    enrolled = requests.post(f"{server.url}{p.API_PREFIX}/devices/enrol", json={
        "code": server.enrolment_code("Custody North"), "device_name": "Pool laptop 1"},
        timeout=10)
    assert enrolled.status_code == 201, enrolled.text
    _sign_in(driver, server, "lee")
    _link(driver, "Team")
    Select(driver.find_element(By.ID, "allow-device")).select_by_visible_text("Pool laptop 1")
    assert "Lee (lee)" not in driver.find_element(By.ID, "allow-worker").text  # not oneself
    Select(driver.find_element(By.ID, "allow-worker")).select_by_visible_text("Cal (cal)")
    _button(driver, "Approve ahead")
    assert "Cal (cal) is approved ahead for laptop “Pool laptop 1”" in driver.find_element(
        By.ID, "decided").text
    look_at(driver, "38-lead-team-approved-ahead")
    screenshot_lower(driver, "38b-lead-team-lower", "#team-workers-h")

    _link(driver, "Overview")
    _link(driver, "Your sign-in")
    assert _heading(driver) == "Your sign-in" and "Off" in driver.find_element(
        By.ID, "second-factor-state").text
    look_at(driver, "39-lead-security-off")
    _link(driver, "Turn on a second factor")
    assert _heading(driver) == "Turn on a second factor"
    look_at(driver, "40-lead-totp-enrol")
    secret = secret_of(driver.page_source)
    _submit(driver, {"code": code_now(secret)}, "Confirm and continue")
    assert _heading(driver) == "Your recovery codes"
    look_at(driver, "41-lead-recovery-codes")
    _link(driver, "I have kept them: continue")
    assert "On" in driver.find_element(By.ID, "second-factor-state").text
    look_at(driver, "42-lead-security-on")

    _button(driver, "Sign out")
    _sign_in(driver, server, "lee")  # now the password alone is not enough
    assert _heading(driver) == "Second step: your authenticator code"
    _submit(driver, {"code": code_now(secret, later_steps=1)}, "Continue")
    assert _heading(driver) == "Welcome, Lee"
    _button(driver, "Sign out")

    _admin_with_totp(driver, server)  # IT removes it: lee lost the phone and the codes
    _link(driver, "Accounts")
    row = driver.find_element(By.XPATH, "//tr[td[2]='lee']")
    _click_and_wait(driver, row.find_element(By.PARTIAL_LINK_TEXT, "Remove second factor"))
    assert "What happens" in driver.page_source
    look_at(driver, "43-remove-second-factor")
    _button(driver, "Remove the second factor")
    assert "second factor is removed" in driver.page_source
    assert not driver.find_element(By.XPATH, "//tr[td[2]='lee']").find_elements(
        By.PARTIAL_LINK_TEXT, "Remove second factor")
    _button(driver, "Sign out")
    _sign_in(driver, server, "lee")
    assert _heading(driver) == "Welcome, Lee"  # the password alone again


@pytest.mark.postgres
def test_on_postgresql_the_backup_page_says_to_use_pg_dump(browser, fresh_postgres_database,
                                                            tmp_path):
    from tests.e2e.conftest import Server

    data_dir = tmp_path / "server"
    data_dir.mkdir()
    server = Server(data_dir, fresh_postgres_database)
    server.admin("init")
    server.admin("create-admin", "--username", "ita", "--display-name", "Ita Admin",
                 "--password-stdin", stdin=PASSWORD + "\n")
    server.start()
    try:
        _admin_with_totp(browser, server)
        _link(browser, "Backup")
        assert "This server's database is PostgreSQL" in browser.page_source
        assert not browser.find_elements(By.XPATH, "//button[normalize-space()='Back up now']")
        look_at(browser, "44-backup-postgresql")
    finally:
        server.stop()
    assert not (data_dir / "backups").exists()
