"""The groups of tests/server/reports/cohort.py, as rows a laptop of each team pushes."""

from __future__ import annotations

from tests.server.reports.cohort import (
    FORM_A1,
    FORM_A2,
    FORM_B1,
    FORM_B2,
    FORM_D1,
    FORM_D2,
    FORM_MIDDLE,
    FORM_WRONG,
    PII,
    SIZES,
    D,
    Pushed,
)

D_ASSESSED_AT = "2026-08-30T09:00:00+00:00"


def custody_north(device_id: str, court: int = SIZES["C"]) -> Pushed:
    rows = Pushed(device_id, "ann")
    for _ in range(SIZES["A"]):
        _group_a(rows)
    for _ in range(SIZES["B"]):
        _group_b(rows)
    for _ in range(court):
        _group_c(rows)
    for _ in range(SIZES["D"]):
        _group_d(rows)
    for _ in range(SIZES["E"]):
        _group_e(rows)
    for _ in range(SIZES["F"]):
        pid = rows.person("F", D(2025, 2, 1), "1970-06-06")
        rows.event(pid, "arrest", D(2024, 10, 1), offence="burglary", trigger_offence=True)
        rows.event(pid, "arrest", D(2025, 2, 1), offence="burglary", trigger_offence=True)
    for _ in range(SIZES["G"]):
        pid = rows.person("G", D(2026, 10, 15), "1995-01-01")
        rows.event(pid, "arrest", D(2026, 10, 14), offence="theft", trigger_offence=True)
    gone = rows.person("X", D(2026, 7, 1), "1990-01-01", deleted=True)
    rows.event(gone, "arrest", D(2026, 8, 5), offence="theft", trigger_offence=True)
    merged = rows.person("Y", D(2026, 7, 1), "1990-01-01", merged_into=rows.groups["A"][0])
    rows.event(merged, "arrest", D(2026, 8, 6), offence="theft", trigger_offence=True)
    return rows


def prison_in_reach(device_id: str, people: int = 5) -> Pushed:
    """Another team's custody route people, first seen 01/08/2026 after an arrest."""
    rows = Pushed(device_id, "bob")
    for _ in range(people):
        pid = rows.person("H", D(2026, 8, 1), "1992-04-04")
        rows.event(pid, "arrest", D(2026, 7, 31), offence="theft", trigger_offence=True)
    return rows


def _group_a(rows: Pushed) -> None:
    pid = rows.person("A", D(2026, 7, 10), None, **PII)
    theft = {"offence": "theft of a violin XYZZY", "trigger_offence": True,
             "custody_record": "CR/7777/XYZZY"}
    for day in (D(2026, 1, 15), D(2026, 4, 1), D(2026, 7, 9)):
        rows.event(pid, "arrest", day, "Xylophone custody suite", **theft)
    rows.event(pid, "drug_test", D(2026, 7, 9), opiates="positive", cocaine="negative")
    rows.event(pid, "ra_notice", D(2026, 7, 9), notice="RA1", appointment_on="2026-07-12")
    rows.event(pid, "ra_notice", D(2026, 7, 12), notice="RA3")
    rows.event(pid, "ra_notice", D(2026, 7, 12), notice="RA4", appointment_on="2026-07-26")
    rows.event(pid, "ra_notice", D(2026, 7, 26), notice="RA3")
    rows.event(pid, "referral_received", D(2026, 7, 10), "Pemberton House", source="63")
    rows.event(pid, "triage_done", D(2026, 7, 11))
    rows.event(pid, "treatment_started", D(2026, 7, 15))
    rows.event(pid, "intervention_started", D(2026, 7, 15), "Pemberton House",
               intervention_setting="community", intervention_type="pharmacological")
    wrong = rows.event(pid, "arrest", D(2026, 8, 10), **theft)
    rows.event(pid, "entered_in_error", D(2026, 8, 11), supersedes=wrong,
               why="another man's arrest, XYZZY")
    rows.form(pid, "start", D(2026, 7, 15), FORM_A1)
    rows.form(pid, "review", D(2026, 9, 20), FORM_A2)


def _group_b(rows: Pushed) -> None:
    pid = rows.person("B", D(2026, 7, 5), "1985-02-02")
    rows.event(pid, "arrest", D(2026, 6, 18), offence="theft", trigger_offence=True)
    rows.event(pid, "prison_reception", D(2026, 6, 20), "HMP Chelmsford")
    rows.event(pid, "referral_received", D(2026, 7, 5), source="prison")
    rows.event(pid, "triage_done", D(2026, 7, 6))
    rows.event(pid, "intervention_started", D(2026, 7, 6), "HMP Chelmsford",
               intervention_setting="prison", intervention_type="psychosocial")
    rows.event(pid, "release", D(2026, 8, 1), "HMP Chelmsford", address="Xylophone Street")
    rows.appointment(pid, D(2026, 8, 4), "attended", D(2026, 8, 4))
    rows.event(pid, "arrest", D(2026, 9, 1), offence="theft", trigger_offence=True)
    rows.event(pid, "ra_notice", D(2026, 9, 1), notice="RA1", appointment_on="2026-09-03")
    rows.confirmation(pid, "2026-09-11T10:00:00+00:00")
    rows.event(pid, "discharge", D(2026, 9, 15), reason="completed")
    rows.form(pid, "start", D(2026, 7, 6), FORM_B1)
    rows.form(pid, "exit", D(2026, 9, 15), FORM_B2)


def _group_c(rows: Pushed) -> None:
    pid = rows.person("C", D(2026, 8, 12), "1999-09-09")
    rows.event(pid, "court_hearing", D(2026, 8, 11), "Chelmsford Crown Court",
               outcome="bailed")
    rows.event(pid, "referral_received", D(2026, 8, 12), source="65")
    rows.event(pid, "discharge", D(2026, 9, 20), reason="dropped_out")


def _group_d(rows: Pushed) -> None:
    pid = rows.person("D", D(2025, 1, 20), "1980-12-24")
    for day in (D(2024, 8, 1), D(2024, 11, 1)):
        rows.event(pid, "arrest", day, offence="theft", trigger_offence=True)
    rows.event(pid, "prison_reception", D(2024, 11, 2), "HMP Chelmsford")
    rows.event(pid, "release", D(2024, 12, 20), "HMP Chelmsford")
    rows.event(pid, "referral_received", D(2025, 1, 20), source="self")
    rows.event(pid, "treatment_started", D(2025, 1, 25))
    rows.event(pid, "intervention_started", D(2025, 1, 25), intervention_setting="community",
               intervention_type="pharmacological")
    for day in (D(2025, 3, 10), D(2025, 10, 5), D(2026, 8, 20)):
        rows.event(pid, "arrest", day, offence="theft", trigger_offence=True)
    rows.event(pid, "ra_notice", D(2026, 8, 20), notice="RA1", appointment_on="2026-08-24")
    rows.event(pid, "ra_failed_to_attend", D(2026, 8, 24), stage="initial")
    rows.event(pid, "prison_reception", D(2026, 8, 21), "HMP Chelmsford")
    rows.event(pid, "discharge", D(2026, 8, 21), reason="prison")
    rows.confirmation(pid, D_ASSESSED_AT)
    rows.event(pid, "release", D(2026, 9, 10), "HMP Chelmsford")
    rows.appointment(pid, D(2026, 9, 12), "cancelled", D(2026, 9, 11))
    rows.form(pid, "start", D(2025, 1, 25), FORM_D1)
    rows.form(pid, "review", D(2025, 4, 25), FORM_MIDDLE)
    wrong = rows.form(pid, "review", D(2026, 7, 25), FORM_WRONG)
    rows.form(pid, "review", D(2026, 7, 25), FORM_D2, supersedes=wrong)
    rows.form(pid, "review", D(2026, 10, 25), FORM_WRONG)


def _group_e(rows: Pushed) -> None:
    pid = rows.person("E", D(2026, 7, 20), "2000-01-01")
    rows.event(pid, "referral_received", D(2026, 7, 20), source="gp")
    rows.event(pid, "triage_done", D(2026, 7, 22))
    rows.event(pid, "arrest", D(2026, 8, 15), deleted=True, offence="theft",
               trigger_offence=True)
    rows.form(pid, "start", D(2026, 7, 22), FORM_B1)
