"""A laptop's store key as a code a team lead reads to a worker over the phone.

The 32-byte key is written in Crockford's base32 (digits and capitals without I, L, O and
U, so nothing reads as something else), in groups of four characters each followed by one
check character. A mistyped or skipped character is caught by the group it is in, before
the laptop tries the key, and the worker is told which group to read back. Typing is
forgiving: lower case, spaces, dashes, and O for 0 or I and L for 1 are all taken.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)} | {"O": 0, "I": 1, "L": 1}
_SEPARATORS = frozenset(" -._\t\n")
KEY_BYTES = 32
DATA_PER_GROUP = 4
GROUP_LENGTH = DATA_PER_GROUP + 1  # the check character last
_DATA_CHARS = -(-KEY_BYTES * 8 // 5)  # 52: 260 bits, the last 4 of them zero
GROUPS = _DATA_CHARS // DATA_PER_GROUP  # 13
CODE_CHARACTERS = GROUPS * GROUP_LENGTH  # 65


class CodeProblem(ValueError):
    """str(): what is wrong, in words a worker can act on; `groups`: which (1-based)."""

    def __init__(self, message: str, groups: tuple[int, ...] = ()) -> None:
        super().__init__(message)
        self.groups = groups


def groups(key: bytes) -> list[str]:
    """The code for `key`, one group of five characters each."""
    if len(key) != KEY_BYTES:
        raise ValueError(f"a store key is {KEY_BYTES} bytes, not {len(key)}")
    data = _to_base32(key)
    return [_with_check(index, data[start:start + DATA_PER_GROUP])
            for index, start in enumerate(range(0, _DATA_CHARS, DATA_PER_GROUP))]


def format_code(key: bytes) -> str:
    """The code as shown and read: groups of five separated by spaces."""
    return " ".join(groups(key))


def parse_code(typed: str) -> bytes:
    """The key in a typed code; CodeProblem, naming the groups, if it cannot be right."""
    text = "".join(ch for ch in typed.upper() if ch not in _SEPARATORS)
    strange = sorted({ch for ch in text if ch not in _VALUE})
    if strange:
        raise CodeProblem(f"A recovery code has only letters and digits; "
                          f"{' '.join(strange)} is not one of them.")
    if len(text) != CODE_CHARACTERS:
        raise CodeProblem(f"A recovery code has {CODE_CHARACTERS} characters ({GROUPS} groups "
                          f"of {GROUP_LENGTH}); this has {len(text)}. Check for a group "
                          "missed out or typed twice.")
    chunks = [text[i:i + GROUP_LENGTH] for i in range(0, CODE_CHARACTERS, GROUP_LENGTH)]
    wrong = tuple(n + 1 for n, chunk in enumerate(chunks)
                  if _with_check(n, chunk[:DATA_PER_GROUP])[-1] != _canonical(chunk[-1]))
    key = _from_base32("".join(chunk[:DATA_PER_GROUP] for chunk in chunks))
    if not wrong and key is None:
        wrong = (GROUPS,)  # only the last group carries the unused bits
    if wrong:
        raise CodeProblem(_wrong_groups(wrong, chunks), wrong)
    assert key is not None
    return key


def _to_base32(key: bytes) -> str:
    spare = _DATA_CHARS * 5 - KEY_BYTES * 8
    value = int.from_bytes(key, "big") << spare
    return "".join(ALPHABET[(value >> 5 * (_DATA_CHARS - 1 - i)) & 31]
                   for i in range(_DATA_CHARS))


def _from_base32(data: str) -> bytes | None:
    """None when the unused last bits are not zero: a typo no check caught."""
    value = 0
    for ch in data:
        value = value << 5 | _VALUE[ch]
    spare = _DATA_CHARS * 5 - KEY_BYTES * 8
    if value & ((1 << spare) - 1):
        return None
    return (value >> spare).to_bytes(KEY_BYTES, "big")


def _canonical(ch: str) -> str:
    return ALPHABET[_VALUE[ch]]


def _with_check(index: int, data: str) -> str:
    """Luhn mod 32 over the group's number and its characters: any one character changed,
    or two neighbours swapped, changes the check; so does a group read in the wrong place."""
    codes = [index % 32] + [_VALUE[ch] for ch in data]
    total = 0
    for position, code in enumerate(reversed(codes)):
        doubled = code * (2 if position % 2 == 0 else 1)
        total += doubled // 32 + doubled % 32
    check = (32 - total % 32) % 32
    return "".join(_canonical(ch) for ch in data) + ALPHABET[check]


def _wrong_groups(wrong: tuple[int, ...], chunks: list[str]) -> str:
    if len(wrong) > 3:
        return ("Most of the code does not check out: is it the code for this laptop? "
                "Ask your team lead to read it again, slowly.")
    named = ", ".join(f"group {n} ({chunks[n - 1]})" for n in wrong)
    return f"This does not check out in {named}: read {'it' if len(wrong) == 1 else 'them'} " \
           "back to your team lead."
