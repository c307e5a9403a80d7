"""Collect rows and print them as one table with the budget beside each figure."""

from __future__ import annotations

import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    what: str
    figure: str
    budget: str
    within: bool | None  # None: a ratio or a baseline with no budget of its own


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def p95_ms(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000


def render(rows: list[Row]) -> str:
    headers = ("what", "measured", "budget", "")
    cells = [(r.what, r.figure, r.budget, {True: "ok", False: "OVER", None: ""}[r.within])
             for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    line = lambda values: " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True))  # noqa: E731
    return "\n".join([line(headers), "-+-".join("-" * w for w in widths), *map(line, cells)])
