"""Where a person is now and what comes next, derived from their journey events.

Nothing here is typed by hand: the setting, the next key date and the days since release
follow from the events that stand, so a correction anywhere corrects them everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.journey.events import JourneyEvent, effective
from app.domain.journey.kinds import Kind, Setting

# PACE: nobody is held in a police cell longer than 96 hours. An arrest older than that
# with nothing after it says where the person was, not where they are.
CUSTODY_LIMIT = timedelta(days=4)
# Tolerance to opioids falls in prison: the weeks after release are the overdose-risk window.
RECENT_RELEASE_DAYS = 28

_HEARING_SETTING = {
    "listed": Setting.COURT, "adjourned": Setting.COURT, "remanded": Setting.PRISON,
    "bailed": Setting.COMMUNITY, "sentenced_custody": Setting.PRISON,
    "sentenced_community": Setting.COMMUNITY,
}
_MOVES = {
    Kind.ARREST: Setting.CUSTODY, Kind.COURT_ORDER: Setting.COMMUNITY,
    Kind.PRISON_RECEPTION: Setting.PRISON, Kind.PRISON_TRANSFER: Setting.PRISON,
    Kind.RELEASE: Setting.COMMUNITY, Kind.TREATMENT_STARTED: Setting.COMMUNITY,
}


@dataclass(frozen=True)
class KeyDate:
    on: date
    what: str
    event_id: str


@dataclass(frozen=True)
class JourneyState:
    setting: Setting
    since: date | None
    next_key_date: KeyDate | None
    released_on: date | None
    days_since_release: int | None

    @property
    def recently_released(self) -> bool:
        """Released in the last 28 days: the overdose-risk window."""
        return self.days_since_release is not None and self.days_since_release <= (
            RECENT_RELEASE_DAYS)


def moves_to(event: JourneyEvent) -> Setting | None:
    """The setting an event puts the person in, or None if it does not move them."""
    if event.kind is Kind.COURT_HEARING:
        return _HEARING_SETTING.get(event.text("outcome"))
    return _MOVES.get(event.kind)


def derive(events: Iterable[JourneyEvent], today: date,
           ra_next: KeyDate | None = None) -> JourneyState:
    standing = effective(events)
    past = [e for e in standing if e.occurred_on <= today]
    setting, since = _setting(past, today)
    released = _released_on(past)
    coming = coming_dates(standing, today, ra_next)
    return JourneyState(
        setting=setting, since=since, next_key_date=coming[0] if coming else None,
        released_on=released,
        days_since_release=(today - released).days if released else None)


def coming_dates(events: Iterable[JourneyEvent], today: date,
                 ra_next: KeyDate | None = None) -> list[KeyDate]:
    """Every key date from today on, soonest first: hearings, booked appointments, the
    expected release and the Required Assessment appointment."""
    standing = effective(events)
    return sorted((k for k in (*_key_dates(standing, today), ra_next)
                   if k is not None and k.on >= today), key=lambda k: k.on)


def last_release(events: Iterable[JourneyEvent]) -> JourneyEvent | None:
    """The standing release event, if any: where they went and who met them."""
    releases = [e for e in effective(events) if e.kind is Kind.RELEASE]
    return releases[-1] if releases else None


def _setting(past: list[JourneyEvent], today: date) -> tuple[Setting, date | None]:
    for event in reversed(past):
        setting = moves_to(event)
        if setting is None:
            continue
        if setting is Setting.CUSTODY and today - event.occurred_on > CUSTODY_LIMIT:
            return Setting.UNKNOWN, None
        return setting, event.occurred_on
    return Setting.UNKNOWN, None


def _released_on(past: list[JourneyEvent]) -> date | None:
    """The last release, unless they have been taken back into prison since."""
    for event in reversed(past):
        if event.kind is Kind.RELEASE:
            return event.occurred_on
        if moves_to(event) is Setting.PRISON:
            return None
    return None


def _key_dates(standing: list[JourneyEvent], today: date) -> Iterable[KeyDate]:
    for event in standing:
        if event.kind is Kind.COURT_HEARING:
            if event.text("outcome") == "listed":
                yield KeyDate(event.occurred_on, _at("Court", event.place), event.id)
            following = event.day("next_hearing_on")
            if following:
                yield KeyDate(following, _at("Court", event.place), event.id)
        elif event.kind is Kind.APPOINTMENT and event.text("outcome") == "booked":
            yield KeyDate(event.occurred_on, _at("Appointment", event.place), event.id)
    release = _expected_release(standing, today)
    if release:
        yield release


def _expected_release(standing: list[JourneyEvent], today: date) -> KeyDate | None:
    """The latest expected release set during the current stay in prison."""
    for event in reversed([e for e in standing if e.occurred_on <= today]):
        if event.kind is Kind.EXPECTED_RELEASE:
            on = event.day("release_on")
            return KeyDate(on, "Expected release", event.id) if on else None
        if event.kind is Kind.PRISON_RECEPTION or moves_to(event) is Setting.COMMUNITY:
            return None  # the stay began without one, or it is over
    return None


def _at(what: str, place: str) -> str:
    return f"{what}: {place}" if place else what
