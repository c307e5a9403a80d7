"""How closely two folded names agree, as one word the matcher can weigh and explain."""

from __future__ import annotations

from functools import lru_cache

from app.domain.distance import damerau_levenshtein, jaro_winkler
from app.domain.phonetic import metaphone

SPELT_ALIKE_JARO_WINKLER = 0.88


@lru_cache(maxsize=131072)
def compare_names(ours: str, theirs: str) -> str:
    """One of exact, sounds, spelt, initial, differs, missing (for folded A-Z names)."""
    if not ours or not theirs:
        return "missing"
    if ours == theirs:
        return "exact"
    if len(ours) == 1 or len(theirs) == 1:
        return "initial" if ours[0] == theirs[0] else "differs"
    if metaphone(ours) == metaphone(theirs):
        return "sounds"
    if jaro_winkler(ours, theirs) >= SPELT_ALIKE_JARO_WINKLER or (
        min(len(ours), len(theirs)) >= 4 and damerau_levenshtein(ours, theirs) <= 1
    ):
        return "spelt"
    return "differs"
