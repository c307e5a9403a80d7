"""Keys that link records of one person: the NDTMS linkage key and blocking keys.

The NDTMS linkage key (first initial, last initial, date of birth, sex) is how the
national data set recognises a client without a name. ``blocking_keys`` is for the
store: index every person under these strings, look a candidate up by its own keys,
and only the people who share at least one key need scoring. That keeps "find
before create" from reading every record on a big caseload.

Every pair the matcher can rate LIKELY shares a key: a LIKELY score needs an equal
identifier or an equal date of birth (see ``matching``), and both are keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.person import Person
from app.domain.phonetic import fold, metaphone

_SEX_FOR_KEY = {"1": "M", "2": "F", "9": "I"}  # NDTMS-style letters for the printed key


@dataclass(frozen=True)
class NameVariant:
    """One way of writing a person's name: their own, an alias, or (for typos) swapped."""

    given: str  # folded A-Z
    family: str  # folded A-Z
    source: str  # "name", "alias" or "swapped"
    alias_text: str = ""  # the alias as typed, for evidence such as "alias 'Dazza' matches"


def ndtms_linkage_key(person: Person) -> str | None:
    """``DS07031986M``: initials, date of birth ddmmyyyy, sex; None if any part is unknown."""
    given, family = fold(person.name.given), fold(person.name.family)
    sex = _SEX_FOR_KEY.get(person.sex)
    if not (given and family and sex and person.date_of_birth):
        return None
    return f"{given[0]}{family[0]}{person.date_of_birth:%d%m%Y}{sex}"


def name_variants(person: Person) -> tuple[NameVariant, ...]:
    """The person's name, each alias read as a name, and the name with parts swapped."""
    given, family = fold(person.name.given), fold(person.name.family)
    variants = [NameVariant(given, family, "name")]
    for alias in person.aliases:
        words = [fold(word) for word in alias.text.split() if fold(word)]
        if not words:
            continue
        if len(words) > 1:
            variants.append(NameVariant(words[0], words[-1], "alias", alias.text.strip()))
        elif alias.kind == "previous_name":  # a single previous name is a surname
            variants.append(NameVariant(given, words[0], "alias", alias.text.strip()))
        else:  # a single nickname stands in for the first name
            variants.append(NameVariant(words[0], family, "alias", alias.text.strip()))
    if given and family and given != family:
        # Surname and first name typed the wrong way round is a common slip.
        variants.append(NameVariant(family, given, "swapped"))
    return tuple(variants)


def blocking_keys(person: Person) -> frozenset[str]:
    """Strings the store indexes; two people sharing none are not worth comparing."""
    keys: set[str] = set()
    ids = person.identifiers
    for prefix, value in (("pnc", ids.pnc_id), ("nhs", ids.nhs_number),
                          ("prison", ids.prison_number)):
        if value:
            keys.add(f"{prefix}:{value}")
    dob = person.date_of_birth
    if dob:
        keys.add(f"dob:{dob.isoformat()}")
    for variant in name_variants(person):
        family_key = metaphone(variant.family)
        if family_key and variant.given:
            keys.add(f"name:{metaphone(variant.given)}|{family_key}")
        if family_key and dob and variant.source != "swapped":
            keys.add(f"surname-year:{family_key}|{dob.year}")
    return frozenset(keys)
