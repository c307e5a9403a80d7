"""A team's quarterly figures on a cohort of known outcomes.

The cohort is built from groups of identical people with fixed numbers, and every
expected figure is worked out by hand from the groups in the comments beside it, never
by calling the code under test. The quarter is April to June 2026.

Group A, 6 people, custody, first seen 10/04/2026: arrested that day (and 01/06/2025,
  01/11/2025, 01/02/2026), positive test, RA1 for 14/04, RA3, RA4 for 01/05, RA3; triage
  12/04, treatment 15/04, still open. Forms 12/04 and 20/06.
Group B, 5 people, prison, first seen 15/09/2025: arrested 01/03/2025 and 01/08/2025, into
  prison 02/08/2025; referral, triage 16/09/2025; released 20/04/2026 and seen at an
  appointment 23/04; arrested 01/06/2026, assessed 05/06; discharged 15/06 completed.
  Forms 20/09/2025 and 15/06/2026.
Group C, 4 people, court, first seen 05/05/2026: arrested 01/05, positive test, RA1 for
  03/05, failed to attend; referral 05/05, triage 08/05; discharged 10/06 dropped out.
  One form.
Group D, 7 people, other, first seen 01/10/2024: arrested 01/02/2024, 01/07/2024,
  15/01/2025, 01/08/2025, into prison 02/08/2025, released 01/09/2025; referral and
  treatment 03/10/2024, open; arrested 10/05/2026, positive test, RA1 for 12/05 with
  nothing recorded after; into prison 11/05/2026, released 01/06/2026 with only a
  cancelled appointment. Forms 03/10/2024, 03/04/2026 (corrected), 05/07/2026 (after
  the quarter).
Group E, 2 people, custody, first seen 05/01/2025 at an arrest; nothing since.
Group F, 1 person first seen after the quarter.
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from app.domain.appointments import Appointment, AppointmentOutcome, Outcome
from app.domain.journey.events import JourneyEvent
from app.domain.journey.kinds import Kind
from app.domain.outcomes.cohort import PLANNED_EXITS, CohortPerson, Route
from app.domain.outcomes.figures import quarter_figures
from app.domain.outcomes.months import Quarter
from app.domain.outcomes.suppress import HIDDEN, SMALL, SMALL_BASE, shown
from app.domain.outcomes.top import Crime, Days, FormKind, Rating, Substance, TopForm
from app.domain.valuesets import load_value_set
from tests.domain.journey_events import event

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
Q = Quarter(date(2026, 4, 1), date(2026, 6, 30))
D = date


def _form(pid: str, name: str, kind: FormKind, on: date, values: tuple[int, ...],
          supersedes: str | None = None) -> TopForm:
    opiates, crack, shoplifting, psych, phys, quality, work = values
    use = {s: Days(total_given=0) for s in Substance} | {
        Substance.OPIATES: Days(total_given=opiates), Substance.CRACK: Days(total_given=crack)}
    return TopForm(f"{pid}-{name}", pid, kind, on, use=use, days_injected=0,
                   crime_days={Crime.SHOPLIFTING: shoplifting},
                   ratings={Rating.PSYCHOLOGICAL: psych, Rating.PHYSICAL: phys,
                            Rating.QUALITY_OF_LIFE: quality},
                   work_days=work, education_days=0, supersedes=supersedes,
                   recorded_hlc=f"{on.isoformat()}-{name}")


def _arrest(on: date) -> JourneyEvent:
    return event(Kind.ARREST, on, offence="theft", trigger_offence=True)


def _positive(on: date) -> JourneyEvent:
    return event(Kind.DRUG_TEST, on, opiates="positive", cocaine="negative")


def _ra(code: str, on: date, appointment: date | None = None) -> JourneyEvent:
    details = {"appointment_on": appointment.isoformat()} if appointment else {}
    return event(Kind.RA_NOTICE, on, notice=code, **details)


def _group_a(pid: str) -> CohortPerson:
    wrong = _arrest(D(2026, 5, 20))
    journey = (_arrest(D(2025, 6, 1)), _arrest(D(2025, 11, 1)), _arrest(D(2026, 2, 1)),
               _arrest(D(2026, 4, 10)), _positive(D(2026, 4, 10)),
               _ra("RA1", D(2026, 4, 10), D(2026, 4, 14)), _ra("RA3", D(2026, 4, 14)),
               _ra("RA4", D(2026, 4, 14), D(2026, 5, 1)), _ra("RA3", D(2026, 5, 1)),
               event(Kind.REFERRAL_RECEIVED, D(2026, 4, 10), source="63"),
               event(Kind.TRIAGE_DONE, D(2026, 4, 12)),
               event(Kind.TREATMENT_STARTED, D(2026, 4, 15)),
               wrong, event(Kind.ENTERED_IN_ERROR, D(2026, 5, 21), supersedes=wrong.id,
                            why="another person's arrest"))
    forms = (_form(pid, "start", FormKind.START, D(2026, 4, 12), (20, 8, 10, 6, 8, 5, 0)),
             _form(pid, "r1", FormKind.REVIEW, D(2026, 6, 20), (8, 0, 2, 10, 9, 11, 0)))
    return CohortPerson(pid, 1990, Route.CUSTODY, D(2026, 4, 10), journey, forms)


def _group_b(pid: str) -> CohortPerson:
    journey = (_arrest(D(2025, 3, 1)), _arrest(D(2025, 8, 1)),
               event(Kind.PRISON_RECEPTION, D(2025, 8, 2), "HMP Chelmsford"),
               event(Kind.REFERRAL_RECEIVED, D(2025, 9, 15), source="prison"),
               event(Kind.TRIAGE_DONE, D(2025, 9, 16)),
               event(Kind.RELEASE, D(2026, 4, 20)), _arrest(D(2026, 6, 1)),
               event(Kind.DISCHARGE, D(2026, 6, 15), reason="completed"))
    forms = (_form(pid, "start", FormKind.START, D(2025, 9, 20), (24, 0, 4, 5, 7, 4, 0)),
             _form(pid, "exit", FormKind.EXIT, D(2026, 6, 15), (4, 0, 0, 12, 12, 14, 5)))
    booking = Appointment(f"{pid}-a1", pid, D(2026, 4, 23), time(10), "Harlow hub", "key worker",
                          "first appointment", "w1")
    kept = AppointmentOutcome(f"{pid}-o1", booking.id, pid, Outcome.ATTENDED, D(2026, 4, 23),
                              "w1", "001")
    return CohortPerson(pid, 1985, Route.PRISON, D(2025, 9, 15), journey, forms, (booking,),
                        (kept,), assessed_on=(D(2026, 6, 5),))


def _group_c(pid: str) -> CohortPerson:
    journey = (_arrest(D(2026, 5, 1)), _positive(D(2026, 5, 1)),
               _ra("RA1", D(2026, 5, 1), D(2026, 5, 3)),
               event(Kind.RA_FAILED_TO_ATTEND, D(2026, 5, 3), stage="initial"),
               event(Kind.COURT_HEARING, D(2026, 5, 5), outcome="bailed"),
               event(Kind.REFERRAL_RECEIVED, D(2026, 5, 5), source="65"),
               event(Kind.TRIAGE_DONE, D(2026, 5, 8)),
               event(Kind.DISCHARGE, D(2026, 6, 10), reason="dropped_out"))
    forms = (_form(pid, "start", FormKind.START, D(2026, 5, 8), (28, 28, 20, 2, 2, 2, 0)),)
    return CohortPerson(pid, 2001, Route.COURT, D(2026, 5, 5), journey, forms)


def _group_d(pid: str) -> CohortPerson:
    journey = (_arrest(D(2024, 2, 1)), _arrest(D(2024, 7, 1)),
               event(Kind.REFERRAL_RECEIVED, D(2024, 10, 1), source="self"),
               event(Kind.TREATMENT_STARTED, D(2024, 10, 3)),
               _arrest(D(2025, 1, 15)), _arrest(D(2025, 8, 1)),
               event(Kind.PRISON_RECEPTION, D(2025, 8, 2)), event(Kind.RELEASE, D(2025, 9, 1)),
               _arrest(D(2026, 5, 10)), _positive(D(2026, 5, 10)),
               _ra("RA1", D(2026, 5, 10), D(2026, 5, 12)),
               event(Kind.PRISON_RECEPTION, D(2026, 5, 11)), event(Kind.RELEASE, D(2026, 6, 1)))
    forms = (_form(pid, "start", FormKind.START, D(2024, 10, 3), (12, 10, 0, 10, 10, 10, 0)),
             _form(pid, "r6", FormKind.REVIEW, D(2026, 4, 3), (28, 28, 28, 0, 0, 0, 0)),
             _form(pid, "r6b", FormKind.REVIEW, D(2026, 4, 3), (12, 2, 0, 9, 10, 13, 0),
                   supersedes=f"{pid}-r6"),
             _form(pid, "r7", FormKind.REVIEW, D(2026, 7, 5), (0, 0, 0, 20, 20, 20, 20)))
    booking = Appointment(f"{pid}-a1", pid, D(2026, 6, 5), time(9), "Basildon hub", "nurse",
                          "script review", "w1")
    cancelled = AppointmentOutcome(f"{pid}-o1", booking.id, pid, Outcome.CANCELLED,
                                   D(2026, 6, 2), "w1", "001")
    return CohortPerson(pid, 1979, Route.OTHER, D(2024, 10, 1), journey, forms, (booking,),
                        (cancelled,))


def _group_e(pid: str) -> CohortPerson:
    return CohortPerson(pid, 1995, Route.CUSTODY, D(2025, 1, 5), (_arrest(D(2025, 1, 5)),))


def _group_f(pid: str) -> CohortPerson:
    return CohortPerson(pid, 1999, Route.CUSTODY, D(2026, 8, 1), (_arrest(D(2026, 8, 1)),))


def _cohort() -> list[CohortPerson]:
    groups = ((_group_a, 6), (_group_b, 5), (_group_c, 4), (_group_d, 7), (_group_e, 2),
              (_group_f, 1))
    return [build(f"{build.__name__[-1]}{n}") for build, size in groups for n in range(size)]


@pytest.fixture(scope="module")
def figures():
    return quarter_figures(_cohort(), Q)


def test_caseload_new_people_treatment_and_exits(figures) -> None:
    assert figures.caseload == 6 + 5 + 4 + 7  # E has nothing in the quarter, F is later
    assert dict(figures.new_by_route) == {Route.CUSTODY: 6, Route.COURT: 4, Route.PRISON: 0,
                                          Route.OTHER: 0}
    assert figures.in_treatment == 6 + 5 + 4 + 7
    assert (figures.planned_exits, figures.unplanned_exits) == (5, 4)


# (measure, people answered twice, mean change, could improve, improved), by hand from
# A (x6), B (x5) and D (x7): first and latest form; C has one form, D's July form is late.
CHANGES = [
    ("use.opiates", 18, (6 * -12 + 5 * -20 + 7 * 0) / 18, 18, 11),
    ("use.crack", 18, (6 * -8 + 5 * 0 + 7 * -8) / 18, 13, 13),
    ("use.alcohol", 18, 0.0, 0, 0),
    ("days_injected", 18, 0.0, 0, 0),
    ("crime_days", 18, (6 * -8 + 5 * -4 + 7 * 0) / 18, 11, 11),
    ("rating.psychological_health", 18, (6 * 4 + 5 * 7 + 7 * -1) / 18, 18, 11),
    ("rating.physical_health", 18, (6 * 1 + 5 * 5 + 7 * 0) / 18, 18, 11),
    ("rating.quality_of_life", 18, (6 * 6 + 5 * 10 + 7 * 3) / 18, 18, 18),
    ("work_days", 18, (5 * 5) / 18, 18, 5),
    ("education_days", 18, 0.0, 18, 0),
]


@pytest.mark.parametrize(("name", "people", "mean", "could", "improved"), CHANGES)
def test_change_between_first_and_latest_form(figures, name: str, people: int, mean: float,
                                              could: int, improved: int) -> None:
    change = next(c for c in figures.changes if c.name == name)
    assert (change.people, change.could_improve, change.improved) == (people, could, improved)
    assert change.mean_change == pytest.approx(mean)


def test_required_assessment_compliance(figures) -> None:
    # A: two appointments each, both attended; C: one each, failed; D: one each, nothing
    # recorded after it.
    assert (figures.ra.required, figures.ra.attended, figures.ra.failed,
            figures.ra.unrecorded) == (6 * 2 + 4 + 7, 12, 4, 7)


def test_the_revolving_door_six_and_twelve_months(figures) -> None:
    six, twelve = figures.revolving
    # 6 months: B, D and E have a full window after first contact by 30/06/2026.
    # Arrests before: B 1 (01/08/2025), D 1 (01/07/2024), E 1 (the day of first contact).
    # Custody before adds B's prison reception. After: D's arrest of 15/01/2025 only.
    assert (six.months, six.people, six.arrests_before, six.arrests_after, six.custody_before,
            six.custody_after) == (6, 5 + 7 + 2, 5 + 7 + 2, 7, 5 * 2 + 7 + 2, 7)
    # 12 months: D and E. D: 2 arrests before; after 2 arrests and a prison reception.
    assert (twelve.months, twelve.people, twelve.arrests_before, twelve.arrests_after,
            twelve.custody_before, twelve.custody_after) == (12, 9, 7 * 2 + 2, 7 * 2, 16, 21)


def test_waits_from_custody_to_help(figures) -> None:
    waits = figures.waits
    # Arrests in the quarter: A 6 (triage 2 days later), B 5 (assessed 4 days later),
    # C 4 (triage 7 days later), D 7 (never assessed). The 15 known waits, sorted: six 2s,
    # five 4s, four 7s; the 8th is 4.
    assert (waits.arrests, waits.arrests_assessed, waits.median_days_to_assessment) == (
        22, 15, 4.0)
    # Releases in the quarter: B 5 (seen 3 days later), D 7 (a cancelled booking only).
    assert (waits.releases, waits.releases_seen, waits.median_days_to_appointment) == (
        12, 5, 3.0)
    assert waits.released_without_appointment == 7


def test_what_may_be_published(figures) -> None:
    cells = {key: cell.text for key, cell in shown(figures).items()}
    assert cells["caseload"] == "22"
    # New people: court 4, prison 0, other 0 are small; the three hide 10 - 6 = 4 between
    # them, which pins none of them, so custody and the total stay.
    assert [cells[f"new.{r}"] for r in ("custody", "court", "prison", "other", "total")] == [
        "6", SMALL, SMALL, SMALL, "10"]
    # Exits: 4 unplanned beside a total of 9 would give 9 - 5 away: planned hides too.
    assert [cells[f"exits.{k}"] for k in ("planned", "unplanned", "total")] == [
        HIDDEN, SMALL, "9"]
    # RA: failed 4 is small; 23 - 12 - 7 would give it away, so unrecorded (7) hides too.
    assert [cells[f"ra.{k}"] for k in ("required", "attended", "failed", "unrecorded")] == [
        "23", "12", SMALL, HIDDEN]
    assert cells["ra.rate"] == "52%"  # 12 of 23 = 52.2%
    assert cells["change.use.opiates.mean_change"] == "-9.6"  # -172 / 18 = -9.56
    assert cells["change.use.opiates.improved_percent"] == "61%"  # 11 of 18
    assert cells["change.use.crack.improved_percent"] == SMALL_BASE  # 0 did not improve
    assert cells["change.work_days.improved_percent"] == "28%"  # 5 of 18 = 27.8%
    assert cells["change.use.alcohol.improved_percent"] == "-"  # nobody drank at first
    assert cells["revolving.12m.people"] == "9"
    assert cells["waits.arrest_to_assessment_median_days"] == "4.0"
    assert cells["waits.released_without_appointment"] == "7"
    assert all(cell.value is None for cell in shown(figures).values() if cell.suppressed)


def test_every_discharge_reason_is_classed_and_only_completions_and_referrals_planned() -> None:
    reasons = load_value_set(RESOURCES / "valuesets" / "discharge_reasons.json")
    assert {c for c in reasons.codes if c in PLANNED_EXITS} == {
        "completed_drug_free", "completed", "referred_on"}
    assert set(reasons.codes) >= PLANNED_EXITS


def test_a_small_team_shows_nothing_under_five() -> None:
    # Four people of group A: every count is 4 (or 8 for RA), so people counts hide.
    cells = shown(quarter_figures([_group_a(f"s{n}") for n in range(4)], Q))
    assert cells["caseload"].text == SMALL and cells["in_treatment"].text == SMALL
    assert cells["change.use.opiates.mean_change"].text == SMALL_BASE
    assert cells["ra.required"].text == "8" and cells["ra.rate"].text == SMALL_BASE


def test_someone_first_met_after_the_quarter_is_not_in_its_waits() -> None:
    """Review: a person first recorded in August, with an arrest and a release in May,
    counted as an arrest never assessed and a release with no appointment booked, and
    the quarter's figures changed with the day the report was run."""
    journey = (event(Kind.ARREST, date(2026, 5, 3), "Harlow"),
               event(Kind.RELEASE, date(2026, 5, 20), "HMP Chelmsford"))
    later = CohortPerson("late", 1990, Route.CUSTODY, date(2026, 8, 1), journey)
    waits = quarter_figures([later], Q).waits
    assert (waits.arrests, waits.releases, waits.released_without_appointment) == (0, 0, 0)
    met = CohortPerson("met", 1990, Route.CUSTODY, date(2026, 5, 3), journey)
    waits = quarter_figures([met], Q).waits
    assert (waits.arrests, waits.releases, waits.released_without_appointment) == (1, 1, 1)
