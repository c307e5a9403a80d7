"""Three-way, field-by-field merge of a pushed row against the revision it was edited from.

Pure functions, no database: easy to reason about and to test exhaustively.
For each field: if only one side changed it from the base, that side's value wins;
if both changed it to the same value, fine; if both changed it differently, the value
already on the server stays current and the incoming one is kept in a conflict.
Arrival order at the server decides, never a wall clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Fields = dict[str, Any]


@dataclass(frozen=True)
class FieldConflict:
    field: str
    kept: Any  # what stays current
    other: Any  # what the incoming change wanted; shown to workers until resolved


@dataclass(frozen=True)
class MergeResult:
    fields: Fields
    conflicts: tuple[FieldConflict, ...]


def _same(a: Any, b: Any) -> bool:
    # JSON's true and 1 are different answers, though Python calls them equal.
    return type(a) is type(b) and a == b


def merge(base: Fields, current: Fields, incoming: Fields) -> MergeResult:
    merged = dict(current)
    conflicts = []
    for name in sorted(set(base) | set(current) | set(incoming)):
        theirs, ours, was = incoming.get(name), current.get(name), base.get(name)
        if _same(theirs, was) or _same(theirs, ours):
            continue  # the incoming side did not change it, or agrees
        if _same(ours, was):
            merged[name] = theirs  # only the incoming side changed it
        else:
            conflicts.append(FieldConflict(name, ours, theirs))
    return MergeResult(merged, tuple(conflicts))
