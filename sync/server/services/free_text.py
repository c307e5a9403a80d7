"""Is a typed reason made of words? A reason nobody can read later ("aaaaaaaaaa") makes
the audit of an emergency access worthless, so it is refused when it is given."""

from __future__ import annotations

import re
from collections import Counter

MIN_DISTINCT_WORDS = 3
# A word: two or more letters (any alphabet), not one letter repeated ("aaa").
_WORD = re.compile(r"[^\W\d_]{2,}")


def words_problem(text: str, *, min_distinct_words: int = MIN_DISTINCT_WORDS) -> str | None:
    """Why `text` is not a reason in words, or None when it is."""
    visible = [ch for ch in text.casefold() if not ch.isspace()]
    if visible and Counter(visible).most_common(1)[0][1] * 2 > len(visible):
        return "must not be mostly one character repeated"
    words = {w for w in _WORD.findall(text.casefold()) if len(set(w)) > 1}
    if len(words) < min_distinct_words:
        return (f"must say in words why (at least {min_distinct_words} different words), "
                f"not {len(words)}")
    return None
