"""The risk summary: the highest rating, each area at medium or high, and overdose factors.

Shown on every screen with the person, so it must be short and never hide "not
assessed" behind "no known risk": an unanswered risk is not a safe one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.domain.assessment.fields import Value

RISK_AREAS = (
    ("overdose_risk", "overdose"),
    ("self_harm_risk", "self-harm"),
    ("harm_to_others_risk", "harm to others"),
    ("risk_to_staff", "risk to staff"),
)
_ORDER = {"none": 0, "low": 1, "medium": 2, "high": 3}
_OPIOIDS = {"heroin", "methadone_illicit", "buprenorphine_illicit", "other_opiates",
            "synthetic_opioids"}
_DEPRESSANTS = {"alcohol", "benzodiazepines", "gabapentinoids", "ghb_gbl"}


@dataclass(frozen=True)
class RiskSummary:
    level: str  # none / low / medium / high, or not_assessed when no area is rated
    flags: tuple[str, ...]  # "HIGH: overdose", one per area rated medium or high
    not_assessed: tuple[str, ...]  # areas with no rating yet
    overdose_factors: tuple[str, ...]  # facts from other sections that raise overdose risk

    def headline(self) -> str:
        """One line for the person banner, e.g. "HIGH risk: overdose, risk to staff"."""
        if self.level == "not_assessed":
            return "Risk not assessed"
        if not self.flags:
            base = "No known risk" if self.level == "none" else "Low risk"
        else:
            top = [f.split(": ", 1)[1] for f in self.flags if f.startswith(self.level.upper())]
            base = f"{self.level.upper()} risk: {', '.join(top)}"
        return base + (" (not assessed: " + ", ".join(self.not_assessed) + ")"
                       if self.not_assessed else "")


def risk_summary(assessment: Mapping[str, Mapping[str, Value]], *,
                 recently_released: bool = False) -> RiskSummary:
    """Derive the summary from the whole assessment (section id -> field id -> value).

    `recently_released` comes from the journey (released in the last 28 days on the day
    asked about): a typed answer would go on saying so long after the window closed."""
    risk = assessment.get("risk", {})
    rated = {label: risk.get(field_id) for field_id, label in RISK_AREAS}
    known = {label: str(level) for label, level in rated.items() if level in _ORDER}
    not_assessed = tuple(label for label in rated if label not in known)
    level = max(known.values(), key=_ORDER.__getitem__) if known else "not_assessed"
    flags = tuple(
        f"{known[label].upper()}: {label}"
        for label in sorted(known, key=lambda area: -_ORDER[known[area]])
        if _ORDER[known[label]] >= _ORDER["medium"]
    )
    return RiskSummary(level, flags, not_assessed,
                       _overdose_factors(assessment, recently_released))


def _overdose_factors(assessment: Mapping[str, Mapping[str, Value]],
                      recently_released: bool) -> tuple[str, ...]:
    substances = assessment.get("substances", {})
    drugs = {substances.get(f"drug{slot}") for slot in (1, 2, 3)}
    factors = []
    if recently_released:
        factors.append("released from prison in the past 28 days (lower tolerance)")
    if assessment.get("risk", {}).get("recent_overdose") == "Y":
        factors.append("overdosed in the past year")
    if assessment.get("injecting", {}).get("injecting_status") == "C":
        factors.append("currently injecting")
    drinks = (substances.get("alcohol_drinking_days") or 0) not in (0, None)
    if drugs & _OPIOIDS and (drugs & _DEPRESSANTS or drinks):
        factors.append("opioids with alcohol or other depressants")
    return tuple(factors)
