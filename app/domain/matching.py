"""Find before create: score existing people against a new entry, with the evidence.

The score adds weights for each piece of agreement or disagreement, in the spirit of
Fellegi-Sunter record linkage. The weights are chosen so that:

* an equal identifier (PNC ID, NHS number, prison number) makes a LIKELY match, whatever
  else differs: one number is one person, so either these are one person or a number
  was mistyped, and the worker must look;
* an equal date of birth plus a name whose first name and surname each are the same,
  sound the same, are spelt nearly the same, are a nickname ("Bill" for William) or one
  part of a double-barrelled surname, or that matches an alias or is swapped round,
  makes a LIKELY match -- even with sex not recorded;
* LIKELY is the strong level: the service stops a save for it until the worker opens
  the record or gives a reason to create anyway. POSSIBLE is shown, never stops;
* names alone, however exact, reach at most POSSIBLE: there are many John Smiths;
* a date of birth one digit off or with day and month swapped keeps an exact or near
  name at POSSIBLE (shown, not stopping), and a different date of birth pulls an exact
  name below POSSIBLE, so a common name does not flood the screen.

Every point comes with a sentence the worker can check ("surname sounds like SMYTHE").
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.domain.linkage import NameVariant, name_variants, ndtms_linkage_key
from app.domain.names import compare_names, name_parts
from app.domain.person import Person

LIKELY_SCORE = 55
POSSIBLE_SCORE = 30

# Same date of birth (30) + near surname (15) + near first name (10) = LIKELY_SCORE exactly:
# a near name on the right date stops the save even where sex was not recorded.
FAMILY_POINTS = {"exact": 18, "sounds": 15, "spelt": 15, "initial": 2, "differs": -10,
                 "missing": 0}
GIVEN_POINTS = {"exact": 12, "sounds": 10, "spelt": 10, "nickname": 10, "initial": 4,
                "differs": -6, "missing": 0}
_DERIVED = frozenset({"swapped", "part"})  # variants made from the name itself
DOB_SAME, DOB_NEAR, DOB_DIFFERENT = 30, 12, -25
SEX_SAME, SEX_DIFFERENT = 4, -10
LINKAGE_KEY_SAME = 3
POSTCODE_SAME = 5
IDENTIFIER_POINTS = {  # (same, different): a PNC ID or NHS number belongs to one person only
    "PNC ID": (70, -30),
    "NHS number": (70, -30),
    "prison number": (60, -10),
}


class MatchLevel(StrEnum):
    LIKELY = "likely"
    POSSIBLE = "possible"


@dataclass(frozen=True)
class Match:
    person: Person
    score: int
    level: MatchLevel
    evidence: tuple[str, ...]


def find_likely_matches(
    candidate: Person,
    existing_people: Iterable[Person],
    *,
    limit: int = 10,
    min_level: MatchLevel = MatchLevel.POSSIBLE,
) -> list[Match]:
    """The best ``limit`` matches at or above ``min_level``, best first."""
    scored = []
    for person in existing_people:
        if candidate.id and person.id == candidate.id:
            continue
        score, evidence = score_pair(candidate, person)
        found = _level(score, shares_identifier(candidate, person))
        if found is MatchLevel.LIKELY or (found and min_level is MatchLevel.POSSIBLE):
            scored.append((score, person.id, Match(person, score, found, evidence)))
    # Strong matches first: one made strong by an identifier alone may score lower than a
    # namesake, and must never fall off the end of the list the save checks.
    best = heapq.nsmallest(limit, scored, key=lambda row: (
        row[2].level is not MatchLevel.LIKELY, -row[0], row[1]))
    return [match for _, _, match in best]


def _level(score: int, same_identifier: bool) -> MatchLevel | None:
    # An identifier belongs to one person: an equal one always asks the worker to check,
    # even when everything else differs (a typo in one record's number, or an alias).
    if score >= LIKELY_SCORE or same_identifier:
        return MatchLevel.LIKELY
    return MatchLevel.POSSIBLE if score >= POSSIBLE_SCORE else None


def shares_identifier(a: Person, b: Person) -> bool:
    """The same PNC ID, NHS number or prison number on both records."""
    ours, theirs = a.identifiers, b.identifiers
    return any(x and x == y for x, y in ((ours.pnc_id, theirs.pnc_id),
                                          (ours.nhs_number, theirs.nhs_number),
                                          (ours.prison_number, theirs.prison_number)))


def score_pair(candidate: Person, existing: Person) -> tuple[int, tuple[str, ...]]:
    """The score for one pair and the sentences that explain it."""
    evidence: list[str] = []
    score = _identifier_points(candidate, existing, evidence)
    score += _dob_points(candidate.date_of_birth, existing.date_of_birth, evidence)
    score += _name_points(candidate, existing, evidence)
    score += _sex_points(candidate.sex, existing.sex, evidence)
    key = ndtms_linkage_key(candidate)
    if key and key == ndtms_linkage_key(existing):
        score += LINKAGE_KEY_SAME
        evidence.append("same initials, date of birth and sex (NDTMS linkage key)")
    postcode = _postcode(candidate)
    if postcode and postcode == _postcode(existing):
        score += POSTCODE_SAME
        evidence.append(f"same postcode {existing.address.postcode.upper()}")
    return score, tuple(evidence)


def _identifier_points(candidate: Person, existing: Person, evidence: list[str]) -> int:
    ours, theirs = candidate.identifiers, existing.identifiers
    pairs = {"PNC ID": (ours.pnc_id, theirs.pnc_id),
             "NHS number": (ours.nhs_number, theirs.nhs_number),
             "prison number": (ours.prison_number, theirs.prison_number)}
    points = 0
    for label, (a, b) in pairs.items():
        if not (a and b):
            continue
        same, different = IDENTIFIER_POINTS[label]
        if a == b:
            points += same
            evidence.append(f"same {label} {b}")
        else:
            points += different
            evidence.append(f"different {label} ({b} on the existing record)")
    return points


def _dob_points(ours: date | None, theirs: date | None, evidence: list[str]) -> int:
    if ours is None or theirs is None:
        return 0
    shown = f"{theirs:%d/%m/%Y}"
    if ours == theirs:
        evidence.append(f"same date of birth {shown}")
        return DOB_SAME
    if _dates_nearly_equal(ours, theirs):
        evidence.append(f"date of birth nearly matches ({shown} on the existing record)")
        return DOB_NEAR
    evidence.append(f"different date of birth ({shown} on the existing record)")
    return DOB_DIFFERENT


def _dates_nearly_equal(a: date, b: date) -> bool:
    """Day and month swapped, or one digit of ddmmyyyy mistyped or two neighbours swapped."""
    if (a.day, a.month, a.year) == (b.month, b.day, b.year):
        return True
    x, y = f"{a:%d%m%Y}", f"{b:%d%m%Y}"
    differing = [i for i in range(8) if x[i] != y[i]]
    if len(differing) == 1:
        return True
    if len(differing) == 2:
        i, j = differing
        return j == i + 1 and x[i] == y[j] and x[j] == y[i]
    return False


def _sex_points(ours: str, theirs: str, evidence: list[str]) -> int:
    known = {"1", "2"}
    if ours not in known or theirs not in known:
        return 0
    if ours == theirs:
        return SEX_SAME
    evidence.append("different sex recorded")
    return SEX_DIFFERENT


def _postcode(person: Person) -> str:
    return person.address.postcode.replace(" ", "").upper()


def _name_points(candidate: Person, existing: Person, evidence: list[str]) -> int:
    best: tuple[int, NameVariant, NameVariant, str, str] | None = None
    for ours in _variants(candidate):
        for theirs in _variants(existing):
            if ours.source in _DERIVED and theirs.source in _DERIVED:
                continue  # two swaps are the plain comparison again; two halves say little
            family = compare_names(ours.family, theirs.family)
            given = compare_names(ours.given, theirs.given, given=True)
            points = FAMILY_POINTS[family] + GIVEN_POINTS[given]
            if best is None or points > best[0]:
                best = (points, ours, theirs, family, given)
    if best is None:
        return 0
    points, ours, theirs, family, given = best
    evidence.extend(_name_evidence(ours, theirs, family, given))
    return points


def _variants(person: Person) -> tuple[NameVariant, ...]:
    """The linkage variants plus one per part of a double-barrelled surname."""
    variants = name_variants(person)
    given = variants[0].given
    return variants + tuple(NameVariant(given, part, "part")
                            for part in name_parts(person.name.family))


def _name_evidence(ours: NameVariant, theirs: NameVariant, family: str, given: str) -> list[str]:
    said: list[str] = []
    if theirs.source == "alias":
        said.append(f"alias '{theirs.alias_text}' matches")
    if ours.source == "alias":
        said.append(f"the new entry's alias '{ours.alias_text}' matches")
    if "swapped" in (ours.source, theirs.source):
        said.append("first name and surname appear swapped")
    if "part" in (ours.source, theirs.source):
        said.append("one part of a double-barrelled surname matches")
    said.append(_phrase("surname", family, theirs.family))
    said.append(_phrase("first name", given, theirs.given))
    return [sentence for sentence in said if sentence]


def _phrase(part: str, agreement: str, theirs: str) -> str:
    return {
        "exact": f"same {part} {theirs}",
        "sounds": f"{part} sounds like {theirs}",
        "spelt": f"{part} spelt like {theirs}",
        "nickname": f"{part} is another form of {theirs}",
        "initial": f"{part} initial matches {theirs}",
        "differs": f"different {part} ({theirs} on the existing record)",
    }.get(agreement, "")
