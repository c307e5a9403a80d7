"""Working days in England and Wales, and when an unaccepted handover is overdue."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.journey.handover import Handover, HandoverReason
from sync.protocol.working_days import (
    add_working_days,
    bank_holidays,
    easter_sunday,
    handover_accept_by,
    working_days_between,
)

# gov.uk's published lists, for years with a substitute day or a one-off change.
PUBLISHED = {
    2026: ["2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31",
           "2026-12-25", "2026-12-28"],
    2027: ["2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30",
           "2027-12-27", "2027-12-28"],
    2022: ["2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03",
           "2022-08-29", "2022-09-19", "2022-12-26", "2022-12-27"],
    2020: ["2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31",
           "2020-12-25", "2020-12-28"],
}


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_bank_holidays_match_the_published_lists(year: int) -> None:
    assert sorted(d.isoformat() for d in bank_holidays(year)) == PUBLISHED[year]


def test_easter_falls_where_the_calendars_say() -> None:
    assert [easter_sunday(y) for y in (2024, 2025, 2038)] == [
        date(2024, 3, 31), date(2025, 4, 20), date(2038, 4, 25)]


def test_counting_skips_weekends_bank_holidays_and_days_a_deployment_adds() -> None:
    assert add_working_days(date(2026, 3, 6), 2) == date(2026, 3, 10)  # Fri -> Tue
    assert add_working_days(date(2026, 4, 2), 2) == date(2026, 4, 8)  # over Easter
    assert add_working_days(date(2026, 3, 9), 1, extra=[date(2026, 3, 10)]) == date(
        2026, 3, 11)
    assert working_days_between(date(2026, 4, 2), date(2026, 4, 8)) == 2
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 6), -1)


def _handover(created: date, accepted: date | None = None) -> Handover:
    return Handover("h1", "p1", "custody-team", "community-team", HandoverReason.RELEASE,
                    created, handover_accept_by(created), accepted, "w2" if accepted else "")


@pytest.mark.parametrize(("created", "still_in_time", "overdue_from"), [
    (date(2026, 3, 4), date(2026, 3, 6), date(2026, 3, 7)),  # Wed -> late on Sat
    (date(2026, 3, 6), date(2026, 3, 10), date(2026, 3, 11)),  # Fri: the weekend waits
    (date(2026, 4, 2), date(2026, 4, 8), date(2026, 4, 9)),  # Thu before Good Friday
    (date(2026, 12, 24), date(2026, 12, 30), date(2026, 12, 31)),  # Christmas, Boxing Day Mon
])
def test_a_handover_is_overdue_after_two_working_days(created: date, still_in_time: date,
                                                     overdue_from: date) -> None:
    handover = _handover(created)

    assert handover.is_overdue(still_in_time) is False
    assert handover.is_overdue(overdue_from) is True


def test_an_accepted_handover_is_never_overdue() -> None:
    assert _handover(date(2026, 3, 4), accepted=date(2026, 3, 20)).is_overdue(
        date(2026, 4, 1)) is False
