"""The passphrase rule a worker meets when they create or change a passphrase.

Long beats clever: we ask for length and refuse the obvious, and say how to fix it.
The real protection is Argon2id on every guess plus the growing sign-in delay.
"""

from __future__ import annotations

from itertools import pairwise

MIN_LENGTH = 12

_COMMON = frozenset(
    {
        "password1234", "passwordpassword", "qwertyuiopas", "123456789012", "iloveyou1234",
        "letmeinletmein", "welcome12345", "insideout123", "insideout1234", "changeme1234",
        "administrator", "custodysuite", "qwerty123456", "abc123abc123", "password123!",
    }
)


def passphrase_problems(passphrase: str, *, username: str = "", full_name: str = "") -> list[str]:
    """Every reason the passphrase is not acceptable, each saying what to do instead."""
    problems: list[str] = []
    lowered = passphrase.lower()
    if len(passphrase) < MIN_LENGTH:
        problems.append(
            f"Use at least {MIN_LENGTH} characters ({len(passphrase)} so far). "
            "Three or four unrelated words work well."
        )
    if len(set(passphrase)) < 5:
        problems.append("Use more different characters: repeated letters are easy to guess.")
    if lowered in _COMMON or _is_sequence(lowered):
        problems.append("This is a commonly used passphrase. Choose words only you would pick.")
    for label, value in (("username", username), ("name", full_name)):
        for part in value.lower().split():
            if len(part) >= 3 and part in lowered:
                problems.append(f"Do not include your {label} in the passphrase.")
                break
    return problems


def _is_sequence(text: str) -> bool:
    steps = {ord(b) - ord(a) for a, b in pairwise(text)}
    return len(steps) == 1 and steps <= {-1, 0, 1}
