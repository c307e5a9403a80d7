"""What the 2026Q3 report must show for the cohort of cohort.py, worked out by hand.

Counts come from the group sizes (A 8, B 6, C n, D 5, E 5, F 3); the reasoning is beside
each figure. A count under 5 shows "<5"; a mean or percentage resting on fewer than 5
shows "n<5"; with n = 4 the court count hides and, as it could otherwise be worked out
from the total, so does the smallest other route (other, 5: "*").
"""

from __future__ import annotations

# Change between first and latest form, for the pairs A (8), B (6) and D (5): measure ->
# (people answered twice, mean change, improved). Worked out from the forms in cohort.py:
CHANGES = {
    # A 20->8, B 24->4, D 28->10: (8*-12 + 6*-20 + 5*-18) / 19 = -306 / 19; all 19 improved
    "use.opiates": ("19", "-16.1", "n<5"),
    # A 10->4, B 0->2, D 20->20: -36 / 19; of A and D (13 above 0) A's 8 improved: 62%
    "use.alcohol": ("19", "-1.9", "62%"),
    # A 8->0, B 12->14, D 0->0: -52 / 19; of A and B (14) A's 8 improved: 57%
    "use.crack": ("19", "-2.7", "57%"),
    # A 0->0, B 4->0, D 0->2: -14 / 19; only B (6) above 0, all improved: 0 did not
    "use.cocaine": ("19", "-0.7", "n<5"),
    # A only, 3->1: -16 / 8; all 8 improved
    "use.amphetamines": ("8", "-2.0", "n<5"),
    # A answered only at the latest; B 10->10, D 0->0: 0 / 11; B's 6 could, none did
    "use.cannabis": ("11", "0.0", "n<5"),
    # nobody answered "other drug"
    "use.other": ("<5", "-", "-"),
    # A 12->4, B 0->0, D 20->5: -139 / 19; A and D (13) could, all 13 did
    "days_injected": ("19", "-7.3", "n<5"),
    # crime days added up: A 12->2, B 4->0, D 10->12: -94 / 19; 14 of 19 improved
    "crime_days": ("19", "-4.9", "74%"),
    # A 6->10, B 5->12, D 8->7: 69 / 19; 14 of 19 rose
    "rating.psychological_health": ("19", "3.6", "74%"),
    # A 8->9, B 7->12, D 6->10: 58 / 19; all 19 rose
    "rating.physical_health": ("19", "3.1", "n<5"),
    # A 5->11, B 4->14, D 7->7: 108 / 19; 14 of 19 rose
    "rating.quality_of_life": ("19", "5.7", "74%"),
    # A 0->3, B 0->5, D 0->0: 54 / 19; 14 of 19 rose
    "work_days": ("19", "2.8", "74%"),
    # A answered only at the latest; B 0->6, D 0->0: 36 / 11; B's 6 of 11 rose: 55%
    "education_days": ("11", "3.3", "55%"),
}

FIXED = {
    # everyone first seen with treatment begun: A, B, D (discharged 21/08), E; not C
    "in_treatment": "24",
    "exits.planned": "6",  # B, completed 15/09
    # RA1 for 12/07 and RA4 for 26/07, both attended (A: 16); RA1 for 24/08 failed (D: 5);
    # RA1 for 03/09 with nothing recorded (B: 6)
    "ra.required": "27", "ra.attended": "16", "ra.failed": "5", "ra.unrecorded": "6",
    "ra.rate": "59%",  # 16 / 27
    # D (5) and F (3) have had 6 and 12 months since first contact; nobody else has.
    # 6 months before: D 2 arrests + 1 reception, F 2 arrests; after: D 1 arrest
    "revolving.6m.people": "8", "revolving.6m.arrests_before": "16",
    "revolving.6m.arrests_after": "5", "revolving.6m.custody_before": "21",
    "revolving.6m.custody_after": "5",
    # 12 months before: the same; after: D 2 arrests (10/03/2025, 05/10/2025)
    "revolving.12m.people": "8", "revolving.12m.arrests_before": "16",
    "revolving.12m.arrests_after": "10", "revolving.12m.custody_before": "21",
    "revolving.12m.custody_after": "10",
    # arrests in the quarter: A 09/07 (8, triaged 2 days later), B 01/09 (6, assessed
    # 11/09), D 20/08 (5, assessed 30/08): eight 2s and eleven 10s, median 10
    "waits.arrests": "19", "waits.arrest_to_assessment_median_days": "10.0",
    # releases: B 01/08 (6, seen 04/08), D 10/09 (5, only a cancelled appointment)
    "waits.releases": "11", "waits.release_to_appointment_median_days": "3.0",
    "waits.released_without_appointment": "5",
    "new.custody": "8", "new.prison": "6",
}


def count(n: int) -> str:
    return "<5" if n < 5 else str(n)


def cells(court: int) -> dict[str, str]:
    """Every published figure of Custody North's 2026Q3 report with `court` people in C."""
    found = dict(FIXED)
    found.update({
        "people": str(27 + court),  # A B C D E F first seen by 30/09; G after, X Y gone
        "caseload": str(24 + court),  # A B C D E; F did nothing in the quarter
        "new.court": count(court),
        "new.other": "*" if court < 5 else "5",  # E
        "new.total": str(19 + court),
        "exits.unplanned": str(5 + court),  # C dropped out, D to prison
        "exits.total": str(11 + court),
    })
    for name, (people, mean, improved) in CHANGES.items():
        found[f"change.{name}.people"] = people
        found[f"change.{name}.mean_change"] = mean
        found[f"change.{name}.improved_percent"] = improved
    return found


# The whole service adds Prison In-Reach's 5 people (H): custody, first seen 01/08 after
# an arrest on 31/07 in the quarter, never assessed.
WHOLE_SERVICE = {"new.custody": "13", "new.total": "29", "caseload": "34", "people": "37",
                 "waits.arrests": "24", "waits.arrest_to_assessment_median_days": "10.0"}
