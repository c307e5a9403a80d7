"""Verify a care plan from what is printed on paper, and say a check in a worker's words.

A paper copy carries no digital signature, only the first groups of the fingerprint in
its footer. Typed back, they find the signed version on this laptop, whose person,
date and standing (current or replaced) the worker can then compare with the paper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.domain.careplan import CarePlanVersion, short_fingerprint
from app.services.printing import Verification
from app.services.session import WorkerSession
from app.services.views import uk_date
from app.store.careplan_repo import CarePlanRepository
from app.store.people_repo import PeopleRepository

MIN_TYPED = 8  # hex digits: fewer could match plans by chance
_LAPTOP = re.compile(r"InsideOut (?:standalone )?device (?:CA )?([0-9a-f-]{8})", re.I)


@dataclass(frozen=True)
class PaperMatch:
    version: CarePlanVersion
    person_name: str
    current_number: int | None  # the latest signed version of that person's plan


@dataclass(frozen=True)
class PaperCheck:
    typed: str
    matches: tuple[PaperMatch, ...] = ()
    problem: str = ""

    def lines(self) -> list[str]:
        if self.problem:
            return [self.problem]
        if not self.matches:
            return [f"NO MATCH: no signed care plan on this laptop has the fingerprint "
                    f"“{self.typed}”. Check the digits, or sync and try again."]
        return [line for match in self.matches for line in _match_lines(match)]


def _match_lines(match: PaperMatch) -> list[str]:
    version = match.version
    current = match.current_number == version.number
    return [f"MATCHES: the care plan of {match.person_name}, version {version.number}, "
            f"signed {uk_date(version.signed_at)}.",
            f"Fingerprint {short_fingerprint(version.fingerprint)}.",
            "This is the current version." if current else
            f"NOT the current version: version {match.current_number} replaces it.",
            "Compare the goals and names on the paper with the plan in the record."]


def check_printed_fingerprint(*, session: WorkerSession, typed: str) -> PaperCheck:
    digits = re.sub(r"[^0-9a-f]", "", typed.lower())
    if len(digits) < MIN_TYPED:
        return PaperCheck(typed, problem=f"Type at least {MIN_TYPED} characters of the "
                          "fingerprint from the foot of the paper copy, e.g. 1a2b 3c4d.")
    with session.transaction() as db:
        repo, people = CarePlanRepository(db), PeopleRepository(db)
        found = []
        for version in repo.signed_with_fingerprint(digits):
            signed = [v.number for v in repo.versions(version.person_id) if v.signed_at]
            found.append(PaperMatch(version, people.get(version.person_id).name.display(),
                                    max(signed, default=None)))
    return PaperCheck(typed.strip(), tuple(found))


def worker_lines(result: Verification) -> list[str]:
    """A PDF check for the verify screen: no certificate jargon, no record ids."""
    found = [result.headline()]
    check = result.check
    if check.signed:
        found.append(f"Signed {_when(check.signed_at)} on {_laptop(check.signer)}: "
                     + _trust(result))
    if result.kind == "ra-notice":
        return found + result.notice_lines(ids=False)
    if result.kind == "care-plan":
        found.append(f"Care plan version {result.version_number}"
                     + (f" of {result.person_name}." if result.known else "."))
        found.append(f"Fingerprint {short_fingerprint(result.fingerprint)}.")
    if result.known:
        found.append("This is the current version." if result.is_current else
                     f"NOT the current version: version {result.current_number} replaces it.")
    elif result.kind == "care-plan":
        found.append("Whether it is the current version cannot be said here: the person's "
                     "record is not on this laptop.")
    return found


def _laptop(signer: str) -> str:
    laptop = _LAPTOP.search(signer)
    return f"InsideOut laptop {laptop.group(1)}" if laptop else "an unknown signer"


def _when(moment: str) -> str:
    # "2026-12-05T03:50:12+00:00" -> "05/12/2026 03:50 UTC"
    if len(moment) < 16:
        return "at an unknown time"
    return f"{moment[8:10]}/{moment[5:7]}/{moment[:4]} {moment[11:16]} UTC"


def _trust(result: Verification) -> str:
    check = result.check
    if check.trusted:
        return "a laptop of this service."
    if check.revoked_at:
        return "a laptop IT had already revoked — NOT TRUSTED."
    return "a laptop this one does not know — NOT TRUSTED here."
