"""Consent to share, recorded per partner agency, with who recorded it and any withdrawal.

What a partner may see depends on it: the server enforces that centrally, this
module records it and answers "who may see this record today?". Records are never
edited in place: withdrawal is a new fact on the record, and giving consent again
after a withdrawal adds a new record, so the history of who agreed to what stays.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from app.domain.errors import InvalidValue


class PartnerAgency(StrEnum):
    POLICE = "police"
    PROBATION = "probation"
    PRISON = "prison"
    TREATMENT_PROVIDER = "treatment_provider"
    HOUSING = "housing"
    SOCIAL_SERVICES = "social_services"
    YOUNG_PEOPLES_SERVICE = "young_peoples_service"


class ConsentForm(StrEnum):
    """How it was given: said aloud (and noted) or a form the person signed."""

    VERBAL = "verbal"
    WRITTEN = "written"


REVIEW_AFTER_DAYS = 365  # the default: consent is checked with the person yearly
LONGEST_REVIEW_DAYS = 3 * 365


@dataclass(frozen=True)
class ConsentRecord:
    agency: PartnerAgency
    given_on: date
    recorded_by: str
    withdrawn_on: date | None = None
    withdrawal_recorded_by: str = ""
    how: str = ""  # a ConsentForm; empty on records made before it was asked
    review_on: date | None = None  # when to check it with the person again

    def review_due_on(self, day: date) -> bool:
        """Active, with its review date reached: ask the person again."""
        return self.is_active_on(day) and self.review_on is not None and self.review_on <= day

    def is_active_on(self, day: date) -> bool:
        """Given on or before ``day`` and not yet withdrawn (withdrawal counts from its day)."""
        if self.given_on > day:
            return False
        return self.withdrawn_on is None or self.withdrawn_on > day


def agencies_with_consent(consents: Iterable[ConsentRecord], on: date) -> frozenset[PartnerAgency]:
    """The partner agencies that may currently see the record."""
    return frozenset(record.agency for record in consents if record.is_active_on(on))


def active_consent(
    consents: Iterable[ConsentRecord], agency: PartnerAgency, on: date
) -> ConsentRecord | None:
    """The record that currently allows ``agency`` to see the record, if any."""
    active = [r for r in consents if r.agency == agency and r.is_active_on(on)]
    return max(active, key=lambda r: r.given_on, default=None)


def give_consent(
    consents: tuple[ConsentRecord, ...],
    *,
    agency: PartnerAgency,
    given_on: date,
    recorded_by: str,
    how: str = "",
    review_on: date | None = None,
) -> tuple[ConsentRecord, ...]:
    """Add a consent record; giving consent that is already active changes nothing.

    ``how`` and ``review_on`` are asked of every new consent on screen; they are optional
    here only for records made before they were asked.
    """
    if not recorded_by.strip():
        raise InvalidValue("Consent must say who recorded it.",
                           "Sign in, or type the worker's name.", field="recorded_by")
    check_terms(how=how, given_on=given_on, review_on=review_on)
    if active_consent(consents, agency, given_on):
        return consents
    return (*consents, ConsentRecord(PartnerAgency(agency), given_on, recorded_by,
                                     how=how, review_on=review_on))


def check_terms(*, how: str, given_on: date, review_on: date | None) -> None:
    """Verbal or written, and a review date after today and within three years."""
    if how and how not in {f.value for f in ConsentForm}:
        raise InvalidValue(f"“{how}” is not a way consent is given.",
                           "Choose verbal or written.", field="how")
    if review_on is None:
        return
    if review_on <= given_on:
        raise InvalidValue(f"The review date {review_on:%d/%m/%Y} is not after the day "
                           f"consent is given ({given_on:%d/%m/%Y}).",
                           "Choose a later date, usually a year from today.", field="review_on")
    if (review_on - given_on).days > LONGEST_REVIEW_DAYS:
        raise InvalidValue(f"The review date {review_on:%d/%m/%Y} is more than three years "
                           "away.", "Consent must be checked with the person at least every "
                           "three years; choose an earlier date.", field="review_on")


def withdraw_consent(
    consents: tuple[ConsentRecord, ...],
    *,
    agency: PartnerAgency,
    withdrawn_on: date,
    recorded_by: str,
) -> tuple[ConsentRecord, ...]:
    """Mark the active consent for ``agency`` as withdrawn; raise if there is none to withdraw."""
    current = active_consent(consents, agency, withdrawn_on)
    if current is None:
        label = PartnerAgency(agency).value.replace("_", " ")
        raise InvalidValue(
            f"There is no consent to share with {label} on {withdrawn_on:%d/%m/%Y} to withdraw.",
            "Check the agency and the date of withdrawal.",
            field="consent",
        )
    withdrawn = replace(current, withdrawn_on=withdrawn_on, withdrawal_recorded_by=recorded_by)
    return tuple(withdrawn if record is current else record for record in consents)
