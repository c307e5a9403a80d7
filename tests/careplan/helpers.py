"""A realistic two-page plan and hand-drawn-looking strokes, shared by care plan tests."""

from __future__ import annotations

import math

from app.services import people
from app.services.careplan import CarePlanInput, InterventionInput, SignatureInput
from app.services.views import PersonInput

GOALS = (
    "Get off the gear for good, I've done it before for six months",
    "See my daughter Kayla on Saturdays again",
    "Somewhere to live that isn't my mate's sofa",
    "Sort my script out when I get out so I don't use on the day of release",
)
INTERVENTIONS = (
    InterventionInput("substitute_prescribing", "treatment_provider", "Dr A Okafor",
                      "14/04/2026", "started", "Methadone 60 ml daily, supervised"),
    InterventionInput("harm_reduction_naloxone", "treatment_provider", "Sam Reid",
                      "01/04/2026", "done", "Kit given & shown how to use it"),
    InterventionInput("housing_support", "housing", "Priya Shah", "30/04/2026", "planned",
                      "Referral to Colchester housing options; bring ID"),
    InterventionInput("bbv_testing_vaccination", "treatment_provider", "Nurse J Cole",
                      "21/04/2026", "planned", "Hep C test and hep B vaccine course"),
    InterventionInput("psychosocial", "treatment_provider", "Sam Reid", "28/04/2026",
                      "planned", "Weekly key work sessions, Tuesdays 10:00"),
    InterventionInput("mutual_aid", "treatment_provider", "Sam Reid", "", "planned",
                      "SMART Recovery group at the hub"),
    InterventionInput("employment_support", "probation", "Tom Hughes", "31/05/2026",
                      "planned", "CV and forklift licence course"),
    InterventionInput("life_skills", "social_services", "Ann Lee", "", "planned",
                      "Budgeting; contact with Kayla via social worker"),
    InterventionInput("counselling", "treatment_provider", "Mo Ahmed", "15/05/2026",
                      "planned", "Bereavement (mum, 2024)"),
)


def add_person(session, given="Darren", family="Smith", dob="23/11/1984") -> str:
    summary = people.create_person(session=session, person=PersonInput(
        given_name=given, family_name=family, date_of_birth=dob, pnc_id="2001/0000001Q",
        prison_number="A1234BC"))
    return summary.id


def plan_input(goals=GOALS, interventions=INTERVENTIONS, review="30/06/2026") -> CarePlanInput:
    return CarePlanInput(goals=goals, interventions=interventions, review_date=review)


def squiggle(seed: float = 0.0, points: int = 40) -> tuple:
    """Two strokes that look like a handwritten signature, in 0..1 pad coordinates."""
    first = tuple((0.05 + 0.6 * i / points,
                   0.5 + 0.3 * math.sin(i / 3 + seed) * math.cos(i / 11)) for i in range(points))
    second = tuple((0.55 + 0.35 * i / points, 0.75 - 0.5 * i / points) for i in range(10))
    return (first, second)


def signed_inputs() -> tuple[SignatureInput, SignatureInput]:
    return (SignatureInput(strokes=squiggle(0.0), aspect=3.0),
            SignatureInput(strokes=squiggle(1.3), aspect=3.0))
