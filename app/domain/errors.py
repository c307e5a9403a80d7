"""The one error type the domain raises for a value a worker typed.

A worker reads these messages inline, often at 3 a.m. in a custody suite, so each
one carries two parts: what is wrong, and what to do about it. The UI can show
``str(error)`` as it is, or lay out ``problem`` and ``fix`` separately.
"""

from __future__ import annotations


class InvalidValue(ValueError):
    """A typed value cannot be accepted; ``str()`` says what is wrong and how to fix it."""

    def __init__(self, problem: str, fix: str, *, field: str = "") -> None:
        super().__init__(f"{problem} {fix}")
        self.problem = problem
        self.fix = fix
        self.field = field


class InvalidPncId(InvalidValue):
    """A Police National Computer ID failed its format or check letter."""


class InvalidPrisonNumber(InvalidValue):
    """A NOMIS prison number is not one letter, four digits, two letters."""


class InvalidNhsNumber(InvalidValue):
    """An NHS number is not ten digits or fails its modulus-11 check."""


class InvalidDate(InvalidValue):
    """A date could not be read, is not a real date, or is out of range."""
