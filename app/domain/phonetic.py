"""Phonetic keys for names: Lawrence Philips' original Metaphone (1990), written out here.

One deliberate change from the published rules: a sound repeated by neighbouring
letters ("dt" in Schmidt) is kept once.

Names reach us spoken across a custody desk and typed in a hurry, so "Smythe" must
find "Smith", "Stephen" must find "Steven" and "Kathryn" must find "Catherine".
Metaphone keeps the consonant sounds (0 = "th", X = "sh") and drops most vowels.
``fold`` turns any typed name into plain A-Z first, so accents and apostrophes
("O'Brien", "Zoë") never stop a match.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_VOWELS = frozenset("AEIOU")
_FRONT = frozenset("EIY")  # after C or G these soften the sound
_SILENT_START = ("AE", "GN", "KN", "PN", "WR")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Upper-case A-Z only: accents stripped, punctuation and spaces dropped."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed.upper() if "A" <= ch <= "Z")


@lru_cache(maxsize=65536)
def metaphone(name: str) -> str:
    """The Metaphone key of one name ("Smythe" -> "SM0"); "" when it has no letters."""
    word = fold(name)
    if word[:2] in _SILENT_START:
        word = word[1:]
    if word[:1] == "X":
        word = "S" + word[1:]
    elif word[:2] == "WH":
        word = "W" + word[2:]
    key: list[str] = []
    for i in range(len(word)):
        sound = _sound(word, i)
        # "Lite" tweak: one code for a repeated sound, so Schmidt and Schmit agree.
        if sound and not (key and key[-1] == sound):
            key.append(sound)
    return "".join(key)


def _sound(word: str, i: int) -> str:
    c = word[i]
    prev = word[i - 1] if i else ""
    nxt = word[i + 1] if i + 1 < len(word) else ""
    after = word[i + 2] if i + 2 < len(word) else ""
    if c == prev and c != "C":
        return ""  # doubled letters sound once
    if c in _VOWELS:
        return c if i == 0 else ""
    if c in "CDGHKPSTWXYZBQV":
        return _consonant(c, word, i, prev, nxt, after)
    return c  # F J L M N R sound as written


def _consonant(c: str, word: str, i: int, prev: str, nxt: str, after: str) -> str:
    if c == "B":
        return "" if prev == "M" and i == len(word) - 1 else "B"  # "dumb", "McComb"
    if c == "C":
        if nxt == "H":
            return "K" if prev == "S" else "X"  # "sch" is hard, "ch" is "sh"
        if nxt == "I" and after == "A":
            return "X"
        if nxt in _FRONT:
            return "" if prev == "S" else "S"  # "sci", "sce", "scy" are silent
        return "K"
    if c == "D":
        return "J" if nxt == "G" and after in _FRONT else "T"  # "edge"
    if c == "G":
        return _g(word, i, prev, nxt, after)
    if c == "H":
        if prev in ("C", "S", "P", "T", "G"):
            return ""  # already part of ch, sh, ph, th, gh
        return "" if prev in _VOWELS and nxt not in _VOWELS else "H"
    if c == "K":
        return "" if prev == "C" else "K"
    if c == "P":
        return "F" if nxt == "H" else "P"
    if c == "S":
        return "X" if nxt == "H" or (nxt == "I" and after in ("O", "A")) else "S"
    if c == "T":
        if nxt == "I" and after in ("O", "A"):
            return "X"
        if nxt == "H":
            return "0"
        return "" if nxt == "C" and after == "H" else "T"
    if c in ("W", "Y"):
        return c if nxt in _VOWELS else ""
    return {"Q": "K", "V": "F", "X": "KS", "Z": "S"}[c]


def _g(word: str, i: int, prev: str, nxt: str, after: str) -> str:
    if nxt == "H" and after and after not in _VOWELS:
        return ""  # "Knight", "Wright": gh before a consonant is silent
    if nxt == "N" and word[i + 1 :] in ("N", "NED"):
        return ""  # "Sign", "signed"
    if prev == "D" and nxt in _FRONT:
        return ""  # the "dge" in "Hodge" is already J
    if nxt in _FRONT and prev != "G":
        return "J"
    return "K"


def sound_keys(text: str) -> tuple[str, ...]:
    """The Metaphone key of every word in a run of names, for a search index.

    A word with a hyphen or apostrophe gives a key for the whole ("O'Brien" -> OBRN, what
    a worker types without the apostrophe) and one for each part ("Smith-Jones" -> SM0,
    JNS, what they type when only half is given). Order kept, repeats dropped.
    """
    keys: dict[str, None] = {}
    for word in text.split():
        for piece in (word, *re.split(r"[^\w]+", word)):
            key = metaphone(piece)
            if key:
                keys[key] = None
    return tuple(keys)
