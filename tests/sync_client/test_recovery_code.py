"""The recovery code a team lead reads to a worker: round trips, forgiving typing, and a
mistake caught in the group it is in before any key is tried."""

from __future__ import annotations

import os

import pytest

from sync.protocol.recovery_code import (
    ALPHABET,
    CODE_CHARACTERS,
    GROUPS,
    CodeProblem,
    format_code,
    groups,
    parse_code,
)

KEY = bytes(range(7, 39))


def test_a_key_is_thirteen_groups_of_five_and_comes_back():
    code = format_code(KEY)
    assert [len(g) for g in code.split(" ")] == [5] * GROUPS
    assert len(code.replace(" ", "")) == CODE_CHARACTERS == 65
    assert set(code.replace(" ", "")) <= set(ALPHABET)
    assert parse_code(code) == KEY
    for _ in range(200):
        key = os.urandom(32)
        assert parse_code(format_code(key)) == key


def test_typing_is_forgiving_of_case_separators_and_look_alikes():
    code = format_code(bytes(32))  # many zeros and ones to mistake
    typed = code.lower().replace(" ", "-").replace("0", "o")
    assert parse_code(f"  {typed}\n") == bytes(32)
    ones = format_code(bytes([0x08] * 32))
    assert "1" in ones
    assert parse_code(ones.replace("1", "l")) == bytes([0x08] * 32)


def test_every_single_character_mistake_is_caught_in_its_group():
    flat = format_code(KEY).replace(" ", "")
    for position in range(CODE_CHARACTERS):
        for other in ALPHABET:
            if other == flat[position]:
                continue
            typed = flat[:position] + other + flat[position + 1:]
            with pytest.raises(CodeProblem) as caught:
                parse_code(typed)
            assert caught.value.groups == (position // 5 + 1,)


def test_two_groups_swapped_are_caught():
    parts = groups(KEY)
    parts[3], parts[4] = parts[4], parts[3]
    with pytest.raises(CodeProblem) as caught:
        parse_code(" ".join(parts))
    assert caught.value.groups == (4, 5)
    assert "group 4" in str(caught.value) and "group 5" in str(caught.value)


def test_a_missing_group_says_how_long_a_code_is():
    parts = groups(KEY)
    with pytest.raises(CodeProblem, match=r"65 characters .*this has 60"):
        parse_code(" ".join(parts[:-1]))


def test_a_character_not_in_a_code_is_named():
    with pytest.raises(CodeProblem, match="U is not one of them"):
        parse_code("U" + format_code(KEY)[1:])


def test_a_code_that_is_mostly_wrong_asks_whether_it_is_this_laptops():
    with pytest.raises(CodeProblem, match="is it the code for this laptop"):
        parse_code("A" * CODE_CHARACTERS)


def test_only_a_32_byte_key_has_a_code():
    with pytest.raises(ValueError):
        format_code(b"short")
