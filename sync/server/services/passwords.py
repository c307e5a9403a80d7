"""What makes a worker's password acceptable: long, not common, not about its owner.

zxcvbn estimates how many guesses a password takes; its dictionaries come from breached
password lists, common names and words, and it sees keyboard patterns, repeats, dates and
l33t spellings. MIN_SCORE 3 means at least 10^8 guesses: with sign-in limited to about a
thousand guesses a day per account (services/account_limits) that is centuries online,
and a slow Argon2id hash makes it costly offline too.
"""

from __future__ import annotations

import re
from collections import Counter

from zxcvbn import zxcvbn

from sync import protocol as p
from sync.server.errors import Refused

MIN_LENGTH = 12
MIN_SCORE = 3  # zxcvbn's 0-4 scale; 3 is "safely unguessable" (>= 10^8 guesses)
NAME_PART_MIN = 3  # shorter parts of a name ("al") appear inside too many real words
ADVICE = ("Choose three or four unrelated words with spaces between them (at least "
          f"{MIN_LENGTH} characters), not your name, username or a common phrase.")


def check(password: str, *, username: str, display_name: str) -> None:
    """Refuse (422) a password that fails the policy, saying why and what to do instead."""
    problem = problem_with(password, username=username, display_name=display_name)
    if problem:
        raise Refused(422, p.ERR_INVALID_REQUEST, f"{problem}. {ADVICE}")


def problem_with(password: str, *, username: str, display_name: str) -> str | None:
    """Why `password` is not acceptable, or None when it is."""
    if len(password) < MIN_LENGTH:
        return f"the password has {len(password)} characters; it needs at least {MIN_LENGTH}"
    if _mostly_one_character(password):
        return "the password is mostly one character repeated"
    names = _name_parts(username, display_name)
    if any(name in password.casefold() for name in names):
        return "the password contains your username or your name"
    return _too_guessable(password, names)


def _mostly_one_character(password: str) -> bool:
    _, most = Counter(password.casefold()).most_common(1)[0]
    return most * 2 > len(password)


def _name_parts(username: str, display_name: str) -> list[str]:
    parts = {username, display_name, *re.split(r"[\W_]+", f"{username} {display_name}")}
    return sorted(part.casefold() for part in parts if len(part) >= NAME_PART_MIN)


def _too_guessable(password: str, names: list[str]) -> str | None:
    # zxcvbn reads the first 72 characters only (its default): its cost grows fast with
    # length, and a password that long is not short of guesses anyway.
    result = zxcvbn(password, user_inputs=names)
    if result["score"] >= MIN_SCORE:
        return None
    warning = result["feedback"].get("warning") or "it follows a pattern guessers try early"
    return f"the password is too easy to guess ({warning.rstrip('.')})"
