"""First contact and route, worked out once for the laptop's dashboard and the server's
report: the day the scheme met the person and where."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.domain.journey.kinds import Kind
from app.domain.outcomes.cohort import ROUTE_LOOKBACK_DAYS, Route, first_contact, route
from tests.domain.journey_events import event

MADE = date(2026, 5, 10)  # the day the record was made


def test_first_contact_is_the_day_the_record_was_made_unless_treatment_came_first():
    history = [event(Kind.ARREST, date(2025, 1, 3), "Harlow")]  # custody history: not contact
    assert first_contact(MADE, history) == MADE
    referred = event(Kind.REFERRAL_RECEIVED, date(2026, 4, 20), source="63")
    assert first_contact(MADE, [*history, referred]) == date(2026, 4, 20)


@pytest.mark.parametrize(("kind", "expected"), [
    (Kind.ARREST, Route.CUSTODY), (Kind.RA_NOTICE, Route.CUSTODY),
    (Kind.COURT_HEARING, Route.COURT), (Kind.COURT_ORDER, Route.COURT),
    (Kind.PRISON_RECEPTION, Route.PRISON), (Kind.RELEASE, Route.PRISON),
    (Kind.TRIAGE_DONE, Route.OTHER)])
def test_the_route_is_the_setting_of_the_event_that_brought_them(kind, expected):
    assert route(MADE, [event(kind, MADE - timedelta(days=2))]) == expected


def test_an_event_the_day_after_the_record_still_counts_and_older_ones_do_not():
    assert route(MADE, [event(Kind.ARREST, MADE + timedelta(days=1))]) is Route.CUSTODY
    assert route(MADE, [event(Kind.ARREST, MADE + timedelta(days=2))]) is Route.OTHER
    too_old = MADE - timedelta(days=ROUTE_LOOKBACK_DAYS + 1)
    assert route(MADE, [event(Kind.ARREST, too_old)]) is Route.OTHER


def test_the_latest_event_decides_and_a_same_day_tie_goes_to_the_later_record():
    arrested, sentenced = (event(Kind.ARREST, MADE - timedelta(days=20)),
                           event(Kind.PRISON_RECEPTION, MADE - timedelta(days=3)))
    assert route(MADE, [arrested, sentenced]) is Route.PRISON
    court, reception = event(Kind.COURT_HEARING, MADE), event(Kind.PRISON_RECEPTION, MADE)
    assert route(MADE, [court, reception]) is Route.PRISON  # recorded second
    assert route(MADE, [reception, court]) is Route.PRISON  # order in the list does not decide
