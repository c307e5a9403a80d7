"""What can happen to a person on the journey, and what each kind of event records.

Each kind names the setting it belongs to and the details a worker records with it. The
details are plain values (text, a date, a yes/no, a code from a value set) so an event
syncs as one row whatever its kind, and a new kind is one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Setting(StrEnum):
    CUSTODY = "custody"
    COURT = "court"
    PRISON = "prison"
    COMMUNITY = "community"
    UNKNOWN = "unknown"


class Kind(StrEnum):
    ARREST = "arrest"
    DRUG_TEST = "drug_test"
    BAIL_RESTRICTION = "bail_restriction"
    RA_NOTICE = "ra_notice"
    RA_FAILED_TO_ATTEND = "ra_failed_to_attend"
    RA_POLICE_TOLD = "ra_police_told"
    COURT_HEARING = "court_hearing"
    COURT_ORDER = "court_order"
    PRISON_RECEPTION = "prison_reception"
    PRISON_TRANSFER = "prison_transfer"
    PRISON_TRIAGE = "prison_triage"
    EXPECTED_RELEASE = "expected_release"
    RELEASE = "release"
    TREATMENT_STARTED = "treatment_started"
    APPOINTMENT = "appointment"
    DISCHARGE = "discharge"
    REFERRAL_RECEIVED = "referral_received"
    TRIAGE_DONE = "triage_done"
    INTERVENTION_STARTED = "intervention_started"
    INTERVENTION_ENDED = "intervention_ended"
    PRESCRIBED = "prescribed"  # a substitute medicine started or its dose changed
    PRESCRIBING_STOPPED = "prescribing_stopped"
    DOSE_GIVEN = "dose_given"  # the last dose known to have been taken
    # A correction that withdraws an event recorded in error, replacing it with nothing.
    ENTERED_IN_ERROR = "entered_in_error"


class DetailType(StrEnum):
    TEXT = "text"
    DATE = "date"
    TIME = "time"  # HH:MM, 24-hour
    YES_NO = "yes_no"
    CODE = "code"  # one of `choices`
    WHOLE = "whole"


@dataclass(frozen=True)
class Detail:
    name: str
    label: str
    type: DetailType = DetailType.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    value_set: str = ""  # codes come from resources/valuesets/<value_set>.json


@dataclass(frozen=True)
class KindDef:
    kind: Kind
    label: str
    setting: Setting
    details: tuple[Detail, ...] = ()
    place_label: str = ""  # "" when the event has no place of its own

    def detail(self, name: str) -> Detail | None:
        return next((d for d in self.details if d.name == name), None)


TEST_RESULTS = ("positive", "negative", "not_tested")
HEARING_OUTCOMES = ("listed", "remanded", "bailed", "sentenced_custody",
                    "sentenced_community", "adjourned")
ORDER_REQUIREMENTS = ("drug_rehabilitation", "alcohol_treatment", "none")
RA_NOTICES = ("RA1", "RA2", "RA3", "RA4", "RA5")
RA_STAGES = ("initial", "follow_up")
APPOINTMENT_OUTCOMES = ("booked", "attended", "missed", "cancelled")
# NDTMS: interventions are recorded by setting and type.
INTERVENTION_SETTINGS = ("community", "prison", "inpatient", "residential")
INTERVENTION_TYPES = ("pharmacological", "psychosocial", "recovery_support")


def _d(name: str, label: str, type_: DetailType = DetailType.TEXT, *, required: bool = False,
       choices: tuple[str, ...] = (), value_set: str = "") -> Detail:
    return Detail(name, label, type_, required, choices, value_set)


YES_NO, DATE, TIME, CODE = DetailType.YES_NO, DetailType.DATE, DetailType.TIME, DetailType.CODE

KINDS: dict[Kind, KindDef] = {k.kind: k for k in (
    KindDef(Kind.ARREST, "Arrest", Setting.CUSTODY, (
        _d("custody_record", "Custody record number"),
        _d("offence", "Offence", required=True),
        _d("trigger_offence", "Trigger offence", YES_NO, required=True),
    ), place_label="Custody suite"),
    KindDef(Kind.DRUG_TEST, "Drug test on arrest", Setting.CUSTODY, (
        _d("opiates", "Opiates", CODE, required=True, choices=TEST_RESULTS),
        _d("cocaine", "Cocaine", CODE, required=True, choices=TEST_RESULTS),
        _d("disputed", "Result disputed", YES_NO),
        _d("second_sample", "Second sample taken", YES_NO),
    ), place_label="Custody suite"),
    KindDef(Kind.BAIL_RESTRICTION, "Restriction on Bail", Setting.CUSTODY, (
        _d("imposed", "Restriction imposed", YES_NO, required=True),
    )),
    KindDef(Kind.RA_NOTICE, "Required Assessment notice", Setting.CUSTODY, (
        _d("notice", "Notice", CODE, required=True, choices=RA_NOTICES),
        _d("appointment_on", "Appointment date", DATE),
        _d("appointment_at", "Appointment time", TIME),
        _d("assessor", "Assessor"),
    ), place_label="Where the assessment is"),
    KindDef(Kind.RA_FAILED_TO_ATTEND, "Failed to attend a Required Assessment", Setting.CUSTODY, (
        _d("stage", "Which assessment", CODE, required=True, choices=RA_STAGES),
        _d("remained", "Attended but did not remain", YES_NO),
    )),
    KindDef(Kind.RA_POLICE_TOLD, "Police told of a failure to attend", Setting.CUSTODY, (
        _d("how", "How the police were told", required=True),
        _d("officer", "Officer or desk told", required=True),
    )),
    KindDef(Kind.COURT_HEARING, "Court hearing", Setting.COURT, (
        _d("outcome", "Outcome", CODE, required=True, choices=HEARING_OUTCOMES),
        _d("next_hearing_on", "Next hearing", DATE),
    ), place_label="Court"),
    KindDef(Kind.COURT_ORDER, "Court order", Setting.COMMUNITY, (
        _d("requirement", "Treatment requirement", CODE, required=True,
           choices=ORDER_REQUIREMENTS),
        _d("months", "Length in months", DetailType.WHOLE),
    ), place_label="Court"),
    KindDef(Kind.PRISON_RECEPTION, "Prison reception", Setting.PRISON, (),
            place_label="Establishment"),
    KindDef(Kind.PRISON_TRANSFER, "Transfer", Setting.PRISON, (), place_label="Moved to"),
    KindDef(Kind.PRISON_TRIAGE, "Substance-misuse triage in prison", Setting.PRISON, (),
            place_label="Establishment"),
    KindDef(Kind.EXPECTED_RELEASE, "Expected release date set", Setting.PRISON, (
        _d("release_on", "Expected release", DATE, required=True),
    )),
    KindDef(Kind.RELEASE, "Released", Setting.COMMUNITY, (
        _d("address", "Release address"),
        _d("met_by", "Met at the gate by"),
    ), place_label="Released from"),
    KindDef(Kind.TREATMENT_STARTED, "Treatment started", Setting.COMMUNITY, (),
            place_label="Service"),
    KindDef(Kind.APPOINTMENT, "Appointment", Setting.COMMUNITY, (
        _d("outcome", "Kept or missed", CODE, required=True, choices=APPOINTMENT_OUTCOMES),
        _d("with_whom", "With"),
    ), place_label="Where"),
    KindDef(Kind.DISCHARGE, "Discharged from treatment", Setting.COMMUNITY, (
        _d("reason", "Discharge reason", CODE, required=True, value_set="discharge_reasons"),
    )),
    KindDef(Kind.REFERRAL_RECEIVED, "Referred for treatment", Setting.COMMUNITY, (
        _d("source", "Referral source", CODE, required=True, value_set="referral_sources"),
    ), place_label="Referred to"),
    KindDef(Kind.TRIAGE_DONE, "Triage done", Setting.COMMUNITY, (), place_label="Where"),
    KindDef(Kind.INTERVENTION_STARTED, "Intervention started", Setting.COMMUNITY, (
        _d("intervention_setting", "Setting", CODE, required=True,
           choices=INTERVENTION_SETTINGS),
        _d("intervention_type", "Type", CODE, required=True, choices=INTERVENTION_TYPES),
    ), place_label="Provider"),
    KindDef(Kind.INTERVENTION_ENDED, "Intervention ended", Setting.COMMUNITY, (
        _d("started_event", "Which intervention", required=True),
    )),
    KindDef(Kind.PRESCRIBED, "Prescribed", Setting.COMMUNITY, (
        _d("medicine", "Medicine", required=True),
        _d("daily_dose", "Daily dose", required=True),
        _d("prescriber", "Prescriber", required=True),
        _d("pharmacy", "Pharmacy"),
    )),
    KindDef(Kind.PRESCRIBING_STOPPED, "Prescribing stopped", Setting.COMMUNITY, ()),
    KindDef(Kind.DOSE_GIVEN, "Dose taken", Setting.COMMUNITY, (
        _d("time", "Time", TIME),
    ), place_label="Where"),
    KindDef(Kind.ENTERED_IN_ERROR, "Entered in error", Setting.UNKNOWN, (
        _d("why", "Why it was wrong", required=True),
    )),
)}
