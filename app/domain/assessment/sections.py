"""The sections of the one living assessment, modelled on the DIR and the NDTMS core data set.

Field ids are stable: they are stored, synced and merged, so rename a label freely
but never an id. ``triage=True`` marks the essentials for a few-minute custody triage.
"""

from __future__ import annotations

from app.domain.assessment.fields import FieldDef, SectionDef, choice, flag, number, text, when

YND = "yes_no_declined"
DECLINED_98 = ((98, "Client declined to answer"),)  # NDTMS children fields: 0-97, 98 declined
NO_SECOND_DRUG, NO_THIRD_DRUG = "9996", "9997"


def _drug(slot: int, label: str, *, triage: bool = False) -> tuple[FieldDef, ...]:
    return (
        choice(f"drug{slot}", label, "substances", triage=triage,
               help="" if slot == 1 else f"Choose 'No {('second', 'third')[slot - 2]} drug' "
               "if there is none."),
        choice(f"drug{slot}_route", f"{label}: route", "routes", triage=triage),
        choice(f"drug{slot}_frequency", f"{label}: how often, past 28 days", "frequency",
               triage=triage),
        number(f"drug{slot}_age_first_used", f"{label}: age first used", 5, 100),
    )


SUBSTANCES = SectionDef("substances", "Substance use", (
    *_drug(1, "Main problem substance", triage=True),
    *_drug(2, "Second problem substance"),
    *_drug(3, "Third problem substance"),
    number("alcohol_drinking_days", "Days drinking alcohol, past 28 days", 0, 28, triage=True),
    number("alcohol_units_per_day", "Units on a typical drinking day", 0, 300),
    choice("tobacco_use", "Uses tobacco", YND),
    number("tobacco_per_day", "Cigarettes (or equivalent) a day", 0, 200),
    text("substances_notes", "Notes on substance use"),
))

INJECTING = SectionDef("injecting", "Injecting", (
    choice("injecting_status", "Injecting status", "injecting_status", triage=True),
    number("age_first_injected", "Age first injected", 5, 100),
    choice("ever_shared_equipment", "Ever shared needles or other equipment", YND),
    choice("shared_last_28_days", "Shared needles or equipment, past 28 days", YND),
    text("injecting_notes", "Injecting sites and concerns"),
))

# The arrest, court, release and Required Assessment answers are retired: the journey's
# events hold them now (app.domain.journey.from_assessment reads what was typed before).
CRIMINAL_JUSTICE = SectionDef("criminal_justice", "Offending and criminal justice", (
    choice("referral_source", "Referral source", "referral_sources", triage=True),
    when("arrest_date", "Date of arrest", retired=True),
    text("arrest_offence", "Offence arrested for", retired=True),
    text("custody_suite", "Custody suite", retired=True),
    choice("charged", "Charged", YND),
    text("charge_details", "Charge"),
    choice("tested_positive_class_a", "Tested positive for a Class A drug", YND),
    flag("restriction_on_bail", "Restriction on Bail applies", triage=True,
         help="Bail is presumed refused unless they agree to assessment and follow-up."),
    choice("ra_status", "Required Assessment: latest notice", "ra_notice_statuses",
           retired=True),
    when("ra_follow_up_date", "Required Assessment: follow-up appointment", retired=True),
    text("court_name", "Court", retired=True),
    when("court_date", "Next court date", retired=True),
    text("sentence", "Sentence or order"),
    when("release_date", "Release date", retired=True),
    text("offender_manager", "Probation offender manager"),
))

HEALTH = SectionDef("health", "Physical and mental health", (
    choice("gp_registered", "Registered with a GP", YND),
    text("gp_details", "GP practice"),
    text("physical_health_concerns", "Physical health concerns"),
    text("mental_health_concerns", "Mental health concerns"),
    choice("dual_diagnosis", "Dual diagnosis (mental health and substance use)", YND),
    choice("disability", "Disability", YND),
    choice("hep_b_status", "Hepatitis B testing", "bbv_test_status"),
    choice("hep_b_vaccinated", "Hepatitis B vaccination course", YND),
    choice("hep_c_status", "Hepatitis C testing", "bbv_test_status"),
    choice("hiv_status", "HIV testing", "bbv_test_status"),
    when("bbv_last_test_date", "Last blood-borne virus test"),
    choice("naloxone_issued", "Naloxone issued", YND),
    choice("veteran", "British armed forces veteran", YND),
))

HOUSING = SectionDef("housing", "Housing", (
    choice("accommodation_need", "Accommodation need", "accommodation_need", triage=True),
    choice("at_risk_of_eviction", "At risk of eviction", YND),
    text("housing_notes", "Where they are living and with whom"),
))

ETE = SectionDef("ete", "Education, training and employment", (
    choice("employment_status", "Employment status", "employment_status"),
    number("days_paid_work_28", "Days of paid work, past 28 days", 0, 28),
    number("days_education_28", "Days at college or school, past 28 days", 0, 28),
    text("ete_goals", "Work, training or education they want"),
))

CHILDREN = SectionDef("children", "Children and safeguarding", (
    number("children_under_18", "Children under 18 (own)", 0, 97, special=DECLINED_98),
    number("children_living_with_client", "Children living with them", 0, 97, triage=True,
           special=DECLINED_98),
    choice("parental_responsibility", "Has parental responsibility", YND),
    choice("social_care_involved", "Children's social care involved", YND),
    text("safeguarding_concerns", "Safeguarding concerns"),
    choice("safeguarding_referral_made", "Safeguarding referral made", YND),
))

# The young people's pathway: the young people's service is the lead partner, and these
# are asked before a custody triage of anyone under 18 is saved.
YOUNG_PERSON = SectionDef("young_person", "Young person's safeguarding (under 18)", (
    choice("appropriate_adult_present", "Appropriate adult present in custody", YND,
           young=True),
    choice("known_to_childrens_social_care", "Known to children's social care", YND,
           young=True),
    choice("looked_after_child", "Looked-after child (in care)", YND, young=True),
    choice("exploitation_concern", "Concern of criminal or sexual exploitation "
           "(for example county lines)", YND, young=True),
    choice("young_peoples_service_referral", "Referred to the young people's service "
           "(the lead partner)", YND, young=True),
    text("young_person_safeguarding_notes", "Safeguarding notes, and who was told"),
), young_only=True)

PREGNANCY = SectionDef("pregnancy", "Pregnancy", (
    choice("pregnant", "Pregnant", "pregnancy_status", triage=True),
    when("due_date", "Due date"),
    choice("antenatal_care", "Receiving antenatal care", YND),
))

RISK = SectionDef("risk", "Risk", (
    choice("overdose_risk", "Risk of overdose", "risk_levels", triage=True),
    choice("self_harm_risk", "Risk of self-harm or suicide", "risk_levels", triage=True),
    choice("harm_to_others_risk", "Risk of harm to others", "risk_levels", triage=True),
    choice("risk_to_staff", "Risk to staff", "risk_levels", triage=True),
    choice("recent_overdose", "Overdosed in the past year", YND),
    # Retired: the journey's release events say it, and it stops being true by itself.
    choice("released_recently", "Released from prison in the past 28 days", YND, retired=True),
    text("risk_notes", "What the risks are and what reduces them"),
))

GOALS = SectionDef("goals", "Their goals", (
    text("goals_own_words", "What they want, in their own words",
         help="Write it as they said it; do not paraphrase."),
    text("what_would_help", "What they think would help"),
))

SECTIONS: tuple[SectionDef, ...] = (
    SUBSTANCES, INJECTING, CRIMINAL_JUSTICE, HEALTH, HOUSING, ETE, CHILDREN, YOUNG_PERSON,
    PREGNANCY, RISK, GOALS,
)
