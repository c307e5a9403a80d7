"""String similarity for misspelt names: Damerau-Levenshtein (OSA) and Jaro-Winkler.

Phonetic keys catch names that sound alike; these catch typing slips that change
the sound ("Simth", "Jonhson"). Jaro-Winkler rewards a shared beginning, which
suits names: people rarely get the first letters of their own name wrong.
"""

from __future__ import annotations

from functools import lru_cache


def damerau_levenshtein(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) to turn ``a`` into ``b``."""
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


@lru_cache(maxsize=65536)
def jaro_winkler(a: str, b: str, prefix_scale: float = 0.1) -> float:
    """Similarity from 0.0 (nothing shared) to 1.0 (identical)."""
    jaro = _jaro(a, b)
    prefix = 0
    for ca, cb in zip(a[:4], b[:4], strict=False):
        if ca != cb:
            break
        prefix += 1
    return jaro + prefix * prefix_scale * (1.0 - jaro)


def _jaro(a: str, b: str) -> float:
    if a == b:
        return 1.0 if a else 0.0
    if not a or not b:
        return 0.0
    window = max(max(len(a), len(b)) // 2 - 1, 0)
    taken = [False] * len(b)
    matched_a = []
    for i, ca in enumerate(a):
        for j in range(max(0, i - window), min(len(b), i + window + 1)):
            if not taken[j] and b[j] == ca:
                taken[j] = True
                matched_a.append(ca)
                break
    if not matched_a:
        return 0.0
    matched_b = [cb for j, cb in enumerate(b) if taken[j]]
    transpositions = sum(x != y for x, y in zip(matched_a, matched_b, strict=True)) // 2
    m = len(matched_a)
    return (m / len(a) + m / len(b) + (m - transpositions) / m) / 3
