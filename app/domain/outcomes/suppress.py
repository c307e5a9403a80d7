"""Small numbers: what a published figure may show.

The rule (DOMAIN.md): an aggregate figure under 5 is shown as "<5", never as its number.
`is_small` is the rule and the only place that decides; every published figure, on the
dashboard, in the PDF and in the CSV, goes through `shown`, which applies it.
- A count under 5 (0 included: "nobody" is disclosive too when the rest is known) is "<5".
- A mean, median or percentage resting on fewer than 5 people or events is "n<5"; a
  percentage also hides when fewer than 5 improved or fewer than 5 did not, because the
  percentage and its base would give that small count away.
- Secondary suppression: where parts are published with their total, the suppressed
  parts add up to the total minus the shown ones. If that lets anyone pin a suppressed
  part to one value (one part hidden, or the remainder 0, or every hidden part at its
  ceiling of 4), the smallest shown part is hidden as well ("*"), and if no part is
  left to hide, the total is hidden.
A suppressed cell carries no value at all, so nothing downstream can leak it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.domain.outcomes.change import MeasureChange
from app.domain.outcomes.compliance import RaCompliance
from app.domain.outcomes.figures import QuarterFigures
from app.domain.outcomes.revolving import RevolvingDoor, Waits

THRESHOLD = 5
SMALL = "<5"
SMALL_BASE = "n<5"
HIDDEN = "*"  # secondary suppression: not small itself, hidden to protect a small one
NONE = "-"  # nothing to compute (nobody answered twice): not a number being hidden
_CEILING = THRESHOLD - 1


@dataclass(frozen=True)
class Cell:
    text: str
    value: float | None  # None when suppressed or empty

    @property
    def suppressed(self) -> bool:
        return self.text in (SMALL, SMALL_BASE, HIDDEN)


def is_small(count: int) -> bool:
    """The rule."""
    return count < THRESHOLD


def count(n: int) -> Cell:
    return Cell(SMALL, None) if is_small(n) else Cell(str(n), n)


def statistic(value: float | None, *, based_on: Sequence[int], places: int = 1) -> Cell:
    """A mean or median: shown only when every count it rests on passes the rule."""
    if value is None:
        return Cell(NONE, None)
    if any(is_small(n) for n in based_on):
        return Cell(SMALL_BASE, None)
    return Cell(f"{value:.{places}f}", round(value, places))


def percent(part: int, whole: int) -> Cell:
    if whole == 0:
        return Cell(NONE, None)
    value = 100 * part / whole
    cell = statistic(value, based_on=(part, whole - part, whole), places=0)
    return Cell(f"{cell.text}%", cell.value) if cell.value is not None else cell


def with_total(parts: Mapping[str, int], total: int) -> tuple[dict[str, Cell], Cell]:
    """Parts and their total, with primary and secondary suppression (module docstring)."""
    hidden = {name for name, n in parts.items() if is_small(n)}
    secondary: set[str] = set()
    total_hidden = is_small(total)
    while hidden and not total_hidden and _pinned(parts, hidden, secondary, total):
        spare = sorted((n, name) for name, n in parts.items()
                       if name not in hidden and name not in secondary)
        if spare:
            secondary.add(spare[0][1])
        else:
            total_hidden = True
    cells = {name: Cell(HIDDEN, None) if name in secondary else count(n)
             for name, n in parts.items()}
    return cells, Cell(HIDDEN, None) if total_hidden and not is_small(total) else (
        count(total))


def _pinned(parts: Mapping[str, int], hidden: set[str], secondary: set[str],
            total: int) -> bool:
    """Whether a reader who knows the shown parts and the total can work out a small
    part exactly: each small part lies in 0..4, each secondary one in 5..total, and the
    hidden ones add up to what the shown ones leave."""
    rest = total - sum(n for name, n in parts.items()
                       if name not in hidden and name not in secondary)
    bounds = {name: (0, _CEILING) for name in hidden}
    bounds.update({name: (THRESHOLD, total) for name in secondary})
    for name in hidden:
        others_low = sum(lo for other, (lo, _) in bounds.items() if other != name)
        others_high = sum(hi for other, (_, hi) in bounds.items() if other != name)
        if max(0, rest - others_high) == min(_CEILING, rest - others_low):
            return True
    return False


def shown(figures: QuarterFigures) -> dict[str, Cell]:
    """Every figure of a quarter as it may be published, by a stable key. The dashboard,
    the PDF and the CSV all read this; none reads QuarterFigures' raw counts."""
    cells: dict[str, Cell] = {"caseload": count(figures.caseload),
                              "in_treatment": count(figures.in_treatment)}
    new = {str(route): n for route, n in figures.new_by_route.items()}
    cells.update(_group("new", new, sum(new.values())))
    exits = {"planned": figures.planned_exits, "unplanned": figures.unplanned_exits}
    cells.update(_group("exits", exits, sum(exits.values())))
    cells.update(_ra(figures.ra))
    for change in figures.changes:
        cells.update(_change(change))
    for door in figures.revolving:
        cells.update(_door(door))
    cells.update(_waits(figures.waits))
    return cells


def _group(prefix: str, parts: Mapping[str, int], total: int) -> dict[str, Cell]:
    cells, total_cell = with_total(parts, total)
    return {**{f"{prefix}.{name}": cell for name, cell in cells.items()},
            f"{prefix}.total": total_cell}


def _ra(ra: RaCompliance) -> dict[str, Cell]:
    parts = {"attended": ra.attended, "failed": ra.failed, "unrecorded": ra.unrecorded}
    cells = _group("ra", parts, ra.required)
    cells["ra.required"] = cells.pop("ra.total")
    return {**cells, "ra.rate": percent(ra.attended, ra.required)}


def _change(change: MeasureChange) -> dict[str, Cell]:
    key = f"change.{change.name}"
    return {f"{key}.people": count(change.people),
            f"{key}.mean_change": statistic(change.mean_change, based_on=(change.people,)),
            f"{key}.improved_percent": percent(change.improved, change.could_improve)}


def _door(door: RevolvingDoor) -> dict[str, Cell]:
    key = f"revolving.{door.months}m"
    return {f"{key}.people": count(door.people),
            f"{key}.arrests_before": count(door.arrests_before),
            f"{key}.arrests_after": count(door.arrests_after),
            f"{key}.custody_before": count(door.custody_before),
            f"{key}.custody_after": count(door.custody_after)}


def _waits(waits: Waits) -> dict[str, Cell]:
    return {"waits.arrests": count(waits.arrests),
            "waits.arrest_to_assessment_median_days": statistic(
                waits.median_days_to_assessment, based_on=(waits.arrests_assessed,)),
            "waits.releases": count(waits.releases),
            "waits.release_to_appointment_median_days": statistic(
                waits.median_days_to_appointment, based_on=(waits.releases_seen,)),
            "waits.released_without_appointment": count(waits.released_without_appointment)}
