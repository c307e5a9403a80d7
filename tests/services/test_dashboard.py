"""The team lead's dashboard on a cohort of known outcomes, made through the services.

The quarter is the one two before today's (so every date below has happened, whatever the
clock says); `qs` is its first day, "qs+9" nine days later, "qs-13m" thirteen months
before. Every person is recorded today: their first contact is their earliest referral,
triage or treatment event. Every expected figure is worked out by hand in the comments
beside it, never by the code under test.

A, 6 people, custody: arrested qs+9 (and qs-4m, qs-2m), positive test, RA1 for qs+13,
  RA3 qs+13; referral qs+9, triage qs+11, treatment qs+14, still open.
  Forms qs+11 (opiates 20, crack 8, shoplifting 10, ratings 6/8/5, work 0) and qs+70
  (8, 0, 2, 10/9/11, 0).
B, 5 people, prison, first seen F=qs-13m: arrested F-8m and F-2m, into prison F-10d;
  referral F, triage F+1; arrested F+3m, into prison F+9m; released qs+19, an appointment
  qs+22 attended; discharged qs+60 completed. Forms F+5 (24, 0, 4, 5/7/4, 0) and qs+60
  (4, 0, 0, 12/12/14, 5).
C, 5 people, court: arrested qs+27, positive test, RA1 for qs+29, failed to attend
  qs+29; court hearing qs+30 (the latest of these before the referral: the route);
  referral qs+31, triage qs+33; discharged qs+50 dropped out. One form.
D, 6 people, other, first seen F=qs-15m: arrested F-10m and F-5m; referral F, treatment
  F+2, open; arrested F+7m; arrested qs+40, positive test, RA1 for qs+42 with nothing
  after; into prison qs+41, released qs+61 with an appointment qs+65 cancelled.
  Forms F+2 (12, 10, 0, 10/10/10, 0), qs+5 (28, 28, 28, 0/0/0, 0) corrected to
  (16, 2, 0, 9/10/13, 0).
E, 2 people, custody, first seen F=qs-20m at an arrest; discharged F+1m completed.
H, 2 people, prison: into prison qs+2, referral qs+3, triage qs+4.
I, 3 people, other: referral qs+20, nothing else.
Not the team's figures: one person recorded today with nothing else (first contact
after the quarter), and one recorded as custody in the quarter then merged into an I.
"""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import date, time, timedelta
from itertools import count

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.domain.appointments import Outcome
from app.domain.journey.kinds import Kind
from app.domain.outcomes.form import Crime, Days, FormKind, Rating, Substance, TopForm
from app.domain.outcomes.months import Quarter, add_months
from app.services import (
    appointments,
    dashboard,
    merge,
    outcomes,
    people,
    quarterly_report,
    signing,
)
from app.services.appointments import Booking
from app.services.errors import InvalidInput
from app.services.journey import EventInput, record_event
from app.services.views import PersonInput
from app.store.models import AuditEvent

_NAMES = ("Aaron Whitfield", "Bethany Okonjo", "Callum Ferreira", "Dionne Castellano",
          "Emeka Lindqvist", "Fiona Barraclough", "Grzegorz Nakamura", "Hollie Adeyemi",
          "Imran Vasquez", "Jade Thorburn", "Kieran Mbeki", "Leanne Radcliffe",
          "Marcus Oyelaran", "Niamh Kowalczyk", "Oliver Haddad", "Precious Sandoval",
          "Quentin Abernethy", "Rhiannon Tshabalala", "Stefan Rutherford", "Tamsin Achebe",
          "Umar Pennington", "Vanessa Grigoryan", "Wesley Onyango", "Xanthe Mulholland",
          "Yusuf Carmichael", "Zara Pemberton", "Alfie Jablonski", "Brooke Olawale",
          "Connor Villanueva", "Demi Fairweather", "Ellis Kaczmarek", "Freya Ogunbanjo",
          "Gareth Solberg", "Harriet Nwachukwu", "Isaac Bellingham", "Jasmine Petrovic",
          "Kyle Ashworth", "Lola Mensah-Boateng", "Mason Delacroix", "Nadia Featherstone")


def quarter_of_test(today: date) -> Quarter:
    """The quarter two before today's: over, with room before it for years of history."""
    start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    start = add_months(start, -6)
    return Quarter(start, add_months(start, 3) - timedelta(days=1))


class Team:
    """Records people and what happened to them through the services, as workers do."""

    def __init__(self, session, quarter: Quarter) -> None:
        self.session, self.q = session, quarter
        self._names = iter(_NAMES)
        self._born = count()

    def day(self, n: int) -> date:
        return self.q.start + timedelta(days=n)

    def months(self, k: int, days: int = 0) -> date:
        return add_months(self.q.start, k) + timedelta(days=days)

    def person(self) -> str:
        given, family = next(self._names).split(" ")
        born = date(1970, 1, 15) + timedelta(days=401 * next(self._born))
        return people.create_person(session=self.session, person=PersonInput(
            given_name=given, family_name=family,
            date_of_birth=f"{born:%d/%m/%Y}")).id

    def event(self, pid: str, kind: Kind, on: date, **details) -> None:
        record_event(session=self.session, person_id=pid, today=on,
                     typed=EventInput(kind, on, "", details))

    def arrest(self, pid: str, on: date) -> None:
        self.event(pid, Kind.ARREST, on, offence="theft", trigger_offence=True)

    def ra_from_arrest(self, pid: str, on: date, appointment: date) -> None:
        self.arrest(pid, on)
        self.event(pid, Kind.DRUG_TEST, on, opiates="positive", cocaine="negative")
        self.event(pid, Kind.RA_NOTICE, on, notice="RA1", appointment_on=appointment.isoformat())

    def form(self, pid: str, kind: FormKind, on: date, values: tuple[int, ...],
             supersedes: str | None = None) -> str:
        opiates, crack, shoplifting, psych, phys, quality, work = values
        use = {s: Days(total_given=0) for s in Substance} | {
            Substance.OPIATES: Days(total_given=opiates),
            Substance.CRACK: Days(total_given=crack)}
        return outcomes.record(session=self.session, today=on, form=TopForm(
            "", pid, kind, on, use=use, days_injected=0,
            crime_days={c: 0 for c in Crime} | {Crime.SHOPLIFTING: shoplifting},
            ratings={Rating.PSYCHOLOGICAL: psych, Rating.PHYSICAL: phys,
                     Rating.QUALITY_OF_LIFE: quality},
            work_days=work, education_days=0, supersedes=supersedes)).id

    def appointment(self, pid: str, on: date, outcome: Outcome, recorded_on: date) -> None:
        booked = appointments.book(session=self.session, person_id=pid, today=on,
                                   booking=Booking(on, time(10), "Harlow hub", "",
                                                   "First community appointment"))
        appointments.record_outcome(session=self.session, appointment_id=booked.id,
                                    outcome=outcome, today=recorded_on,
                                    reason="Moved by the hub" if outcome is Outcome.CANCELLED
                                    else "")

    # ---- the groups ----------------------------------------------------------------------
    def custody_new(self) -> str:  # A
        pid = self.person()
        self.arrest(pid, self.months(-4))
        self.arrest(pid, self.months(-2))
        self.ra_from_arrest(pid, self.day(9), self.day(13))
        self.event(pid, Kind.RA_NOTICE, self.day(13), notice="RA3")
        self.event(pid, Kind.REFERRAL_RECEIVED, self.day(9), source="63")
        self.event(pid, Kind.TRIAGE_DONE, self.day(11))
        self.event(pid, Kind.TREATMENT_STARTED, self.day(14))
        self.form(pid, FormKind.START, self.day(11), (20, 8, 10, 6, 8, 5, 0))
        self.form(pid, FormKind.REVIEW, self.day(70), (8, 0, 2, 10, 9, 11, 0))
        return pid

    def prison_long_ago(self) -> str:  # B
        pid, first = self.person(), self.months(-13)
        self.arrest(pid, add_months(first, -8))
        self.arrest(pid, add_months(first, -2))
        self.event(pid, Kind.PRISON_RECEPTION, first - timedelta(days=10))
        self.event(pid, Kind.REFERRAL_RECEIVED, first, source="prison")
        self.event(pid, Kind.TRIAGE_DONE, first + timedelta(days=1))
        self.arrest(pid, add_months(first, 3))
        self.event(pid, Kind.PRISON_RECEPTION, add_months(first, 9))
        self.event(pid, Kind.RELEASE, self.day(19))
        self.appointment(pid, self.day(22), Outcome.ATTENDED, self.day(22))
        self.event(pid, Kind.DISCHARGE, self.day(60), reason="completed")
        self.form(pid, FormKind.START, first + timedelta(days=5), (24, 0, 4, 5, 7, 4, 0))
        self.form(pid, FormKind.EXIT, self.day(60), (4, 0, 0, 12, 12, 14, 5))
        return pid

    def court_new(self) -> str:  # C
        pid = self.person()
        self.ra_from_arrest(pid, self.day(27), self.day(29))
        self.event(pid, Kind.RA_FAILED_TO_ATTEND, self.day(29), stage="initial")
        self.event(pid, Kind.COURT_HEARING, self.day(30), outcome="bailed")
        self.event(pid, Kind.REFERRAL_RECEIVED, self.day(31), source="65")
        self.event(pid, Kind.TRIAGE_DONE, self.day(33))
        self.event(pid, Kind.DISCHARGE, self.day(50), reason="dropped_out")
        self.form(pid, FormKind.START, self.day(33), (28, 28, 20, 2, 2, 2, 0))
        return pid

    def other_long_ago(self) -> str:  # D
        pid, first = self.person(), self.months(-15)
        self.arrest(pid, add_months(first, -10))
        self.arrest(pid, add_months(first, -5))
        self.event(pid, Kind.REFERRAL_RECEIVED, first, source="self")
        self.event(pid, Kind.TREATMENT_STARTED, first + timedelta(days=2))
        self.arrest(pid, add_months(first, 7))
        self.ra_from_arrest(pid, self.day(40), self.day(42))
        self.event(pid, Kind.PRISON_RECEPTION, self.day(41))
        self.event(pid, Kind.RELEASE, self.day(61))
        self.appointment(pid, self.day(65), Outcome.CANCELLED, self.day(62))
        self.form(pid, FormKind.START, first + timedelta(days=2), (12, 10, 0, 10, 10, 10, 0))
        wrong = self.form(pid, FormKind.REVIEW, self.day(5), (28, 28, 28, 0, 0, 0, 0))
        self.form(pid, FormKind.REVIEW, self.day(5), (16, 2, 0, 9, 10, 13, 0), supersedes=wrong)
        return pid

    def custody_long_ago(self) -> str:  # E
        pid, first = self.person(), self.months(-20)
        self.arrest(pid, first)
        self.event(pid, Kind.REFERRAL_RECEIVED, first, source="63")
        self.event(pid, Kind.DISCHARGE, add_months(first, 1), reason="completed")
        return pid

    def prison_new(self) -> str:  # H
        pid = self.person()
        self.event(pid, Kind.PRISON_RECEPTION, self.day(2))
        self.event(pid, Kind.REFERRAL_RECEIVED, self.day(3), source="prison")
        self.event(pid, Kind.TRIAGE_DONE, self.day(4))
        return pid

    def other_new(self) -> str:  # I
        pid = self.person()
        self.event(pid, Kind.REFERRAL_RECEIVED, self.day(20), source="self")
        return pid

    def custody_referral(self) -> str:
        """Only what makes a new custody person: an arrest, the referral that day."""
        pid = self.person()
        self.arrest(pid, self.day(9))
        self.event(pid, Kind.REFERRAL_RECEIVED, self.day(9), source="63")
        return pid


def build_known_cohort(session, quarter: Quarter) -> None:
    team = Team(session, quarter)
    for make, n in ((team.custody_new, 6), (team.prison_long_ago, 5), (team.court_new, 5),
                    (team.other_long_ago, 6), (team.custody_long_ago, 2),
                    (team.prison_new, 2)):
        for _ in range(n):
            make()
    survivors = [team.other_new() for _ in range(3)]
    team.person()  # recorded today, nothing else: first contact after the quarter
    duplicate = team.custody_referral()
    merge.merge_people(session=session, survivor_id=survivors[0], merged_id=duplicate,
                       reason="The same woman: typed twice at custody")


# Worked out by hand from the groups above.
EXPECTED = {
    # Caseload: A6 + B5 (open until qs+60) + C5 + D6 (open) + H2 + I3 (first seen in the
    # quarter) = 27. E's episode closed long before, nothing in the quarter.
    "caseload": "27",
    # In treatment: A6 (triage) + B5 + C5 + D6 (treatment) + H2 (triage) = 24; E and I
    # were only referred.
    "in_treatment": "24",
    # New: custody A6, court C5, prison H2, other I3: 16. Prison and other are hidden;
    # they add up to 5, which 2+3, 1+4, 0+5... cannot be told apart: nothing else hidden.
    "new.custody": "6", "new.court": "5", "new.prison": "<5", "new.other": "<5",
    "new.total": "16",
    # Exits in the quarter: B5 completed (planned), C5 dropped out (unplanned).
    "exits.planned": "5", "exits.unplanned": "5", "exits.total": "10",
    # RA: A6 attended, C5 failed, D6 unrecorded = 17 required; 6/17 = 35%.
    "ra.attended": "6", "ra.failed": "5", "ra.unrecorded": "6", "ra.required": "17",
    "ra.rate": "35%",
    # Forms: pairs for A6, B5, D6 (C has one form) = 17 people answered every measure.
    # Opiates: A -12, B -20, D +4 (12 -> 16, the corrected review): (-72-100+24)/17 =
    # -8.7; all 17 above 0 at first, A+B = 11 improved, 6 not: 65%.
    "change.use.opiates.people": "17", "change.use.opiates.mean_change": "-8.7",
    "change.use.opiates.improved_percent": "65%",
    # Crack: A -8, B 0, D -8: -96/17 = -5.6; 12 could improve and all 12 did: the 0
    # who did not would be given away.
    "change.use.crack.people": "17", "change.use.crack.mean_change": "-5.6",
    "change.use.crack.improved_percent": "n<5",
    # Alcohol, cocaine, amphetamines, cannabis, other drugs and injecting: 0 at every
    # form, so nobody could improve ("-": nothing to work out, not a hidden number).
    **{f"change.{name}.{what}": text
       for name in ("use.alcohol", "use.cocaine", "use.amphetamines", "use.cannabis",
                    "use.other", "days_injected")
       for what, text in (("people", "17"), ("mean_change", "0.0"),
                          ("improved_percent", "-"))},
    # Crime days: A -8, B -4, D 0: -68/17 = -4.0; 11 could improve, all did.
    "change.crime_days.mean_change": "-4.0", "change.crime_days.improved_percent": "n<5",
    # Psychological: A +4, B +7, D -1: 53/17 = 3.1; 11 of 17 improved: 65%.
    "change.rating.psychological_health.mean_change": "3.1",
    "change.rating.psychological_health.improved_percent": "65%",
    # Physical: A +1, B +5, D 0: 31/17 = 1.8; 11 of 17: 65%.
    "change.rating.physical_health.mean_change": "1.8",
    "change.rating.physical_health.improved_percent": "65%",
    # Quality of life: A +6, B +10, D +3: 104/17 = 6.1; all 17 improved.
    "change.rating.quality_of_life.mean_change": "6.1",
    "change.rating.quality_of_life.improved_percent": "n<5",
    # Work: B +5: 25/17 = 1.5; 5 of 17 improved: 29%.
    "change.work_days.mean_change": "1.5", "change.work_days.improved_percent": "29%",
    "change.education_days.mean_change": "0.0",
    "change.education_days.improved_percent": "n<5",  # 0 improved of 17
    # Every measure was answered at both forms by all 17.
    **{f"change.{name}.people": "17" for name in (
        "crime_days", "rating.psychological_health", "rating.physical_health",
        "rating.quality_of_life", "work_days", "education_days")},
    # Revolving door: B, D and E have had 6 and 12 months since first contact: 13 people.
    # 6 months before: B arrest F-2m + prison F-10d, D arrest F-5m, E the arrest on F:
    # arrests 5+6+2 = 13, custody 10+6+2 = 18. After: B's arrest F+3m: 5 and 5.
    "revolving.6m.people": "13", "revolving.6m.arrests_before": "13",
    "revolving.6m.arrests_after": "5", "revolving.6m.custody_before": "18",
    "revolving.6m.custody_after": "5",
    # 12 months before: B 2 arrests + prison, D 2 arrests, E 1: arrests 10+12+2 = 24,
    # custody 15+12+2 = 29. After: B arrest F+3m and prison F+9m, D arrest F+7m:
    # arrests 5+6 = 11, custody 10+6 = 16.
    "revolving.12m.people": "13", "revolving.12m.arrests_before": "24",
    "revolving.12m.arrests_after": "11", "revolving.12m.custody_before": "29",
    "revolving.12m.custody_after": "16",
    # Waits: arrests in the quarter A6 (triage 2 days on), C5 (triage 6 days on), D6 (never
    # assessed) = 17; median of six 2s and five 6s = 2.0.
    "waits.arrests": "17", "waits.arrest_to_assessment_median_days": "2.0",
    # Releases: B5 (seen 3 days on), D6 (only a cancelled appointment) = 11; median 3.0;
    # D's 6 released with nothing booked.
    "waits.releases": "11", "waits.release_to_appointment_median_days": "3.0",
    "waits.released_without_appointment": "6",
}


@pytest.fixture
def known(signed_in):
    quarter = quarter_of_test(date.today())
    build_known_cohort(signed_in, quarter)
    return signed_in, quarter


def test_every_figure_is_the_one_worked_out_by_hand(known) -> None:
    session, quarter = known
    seen = dashboard.team_dashboard(session=session, quarter=quarter)
    texts = {key: cell.text for key, cell in seen.cells.items()}
    assert texts == EXPECTED  # every figure the dashboard has, none left unchecked
    assert not seen.so_far and seen.quarter == quarter
    # A suppressed cell carries no number at all; a shown one carries its own.
    assert seen.cells["new.prison"].value is None
    assert seen.cells["revolving.12m.custody_before"].value == 29


def test_the_charts_draw_only_the_shown_cells(known) -> None:
    session, quarter = known
    charts = dashboard.team_dashboard(session=session, quarter=quarter).charts
    routes = charts["routes"]
    assert routes.drawn() == [("Custody", (6,)), ("Court", (5,))]
    assert routes.hidden() == ["Prison", "Other"]
    door = charts["revolving"]
    assert door.series == ("Before", "After")
    assert door.drawn() == [("Arrests, 6 months", (13, 5)), ("Arrests, 12 months", (24, 11)),
                            ("Custody, 6 months", (18, 5)), ("Custody, 12 months", (29, 16))]
    assert door.hidden() == door.empty() == []
    improved = dict(charts["improved"].drawn())
    # Opiates, psychological and physical health 65%, work 29%: the only ones shown.
    assert improved == {"Days using opiates": (65,), "Psychological health": (65,),
                        "Physical health": (65,), "Days of paid work": (29,)}
    assert "Days using crack" in charts["improved"].hidden()
    assert "Days using alcohol" in charts["improved"].empty()
    assert charts["ra"].drawn() == [("Attended", (6,)), ("Failed to attend", (5,)),
                                    ("Nothing recorded", (6,))]
    assert charts["exits"].drawn() == [("Planned", (5,)), ("Unplanned", (5,))]


def test_an_earlier_quarter_has_its_own_figures(known) -> None:
    session, quarter = known
    before = dashboard.shifted(quarter, -1)
    cells = dashboard.team_dashboard(session=session, quarter=before).cells
    # The quarter before: B (first seen 13 months before the test quarter), D and E are
    # long known, nobody is new; B and D are in treatment (5 + 6 = 11).
    assert cells["in_treatment"].text == "11"
    assert cells["new.total"].text == "<5"


@pytest.mark.parametrize(("custody", "shown"), [(4, "<5"), (5, "5"), (6, "6")])
def test_new_people_by_custody_are_hidden_under_five(signed_in, custody, shown) -> None:
    quarter = quarter_of_test(date.today())
    team = Team(signed_in, quarter)
    for _ in range(custody):
        team.custody_referral()
    for _ in range(2):
        team.court_new()
    for _ in range(3):
        team.prison_new()
    cells = dashboard.team_dashboard(session=signed_in, quarter=quarter).cells
    # Court 2 and prison 3 are hidden; with custody shown they add up to 5, which many
    # pairs could make, so nothing else needs hiding. The total is custody + 5.
    assert cells["new.custody"].text == shown
    assert (cells["new.court"].text, cells["new.prison"].text) == ("<5", "<5")
    assert cells["new.total"].text == str(custody + 5)
    chart = dashboard.team_dashboard(session=signed_in, quarter=quarter).charts["routes"]
    assert chart.drawn() == ([] if custody < 5 else [("Custody", (custody,))])


def test_the_current_quarter_is_the_default_and_marked_so_far(signed_in) -> None:
    seen = dashboard.team_dashboard(session=signed_in, today=date(2026, 5, 20))
    assert seen.quarter == Quarter(date(2026, 4, 1), date(2026, 6, 30))
    assert seen.so_far and seen.label == "April to June 2026"
    assert seen.cells["caseload"].text == "<5"  # nobody: nobody is disclosive too


def test_quarters_step_back_across_the_year() -> None:
    offered = dashboard.offered(date(2026, 2, 10), count=3)
    assert [(q.start, q.end) for q in offered] == [
        (date(2026, 1, 1), date(2026, 3, 31)), (date(2025, 10, 1), date(2025, 12, 31)),
        (date(2025, 7, 1), date(2025, 9, 30))]
    assert dashboard.label(offered[0]) == "January to March 2026"
    assert dashboard.shifted(offered[2], 2) == offered[0]


def test_a_worker_who_is_not_a_lead_is_refused(signed_in) -> None:
    signed_in.worker = dataclasses.replace(signed_in.worker, role="worker")
    with pytest.raises(InvalidInput, match="for team leads"):
        dashboard.team_dashboard(session=signed_in)


def test_the_quarters_report_is_signed_saved_and_audited_naming_nobody(known, tmp_path):
    session, quarter = known
    code = f"{quarter.start.year}Q{(quarter.start.month - 1) // 3 + 1}"
    assert quarterly_report.suggested_name(quarter) == f"quarterly-report-{code}.pdf"

    path = quarterly_report.save_report(session=session, quarter=quarter,
                                        path=tmp_path / "report.pdf")

    data = path.read_bytes()
    with session.transaction(read_only=True) as db:
        check = signing.check_signature(data, signing.trusted_roots(db))
        entries = db.scalars(select(AuditEvent).where(
            AuditEvent.record_type == "quarterly_report")).all()
    assert (check.signed, check.intact, check.trusted) == (True, True, True)
    [entry] = entries
    assert (entry.action, entry.record_id, entry.worker_id) == ("export", code,
                                                                session.worker.id)
    assert json.loads(entry.detail) == {"document": "quarterly_report", "quarter": code,
                                        "scope": "team", "generated": True}
    words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Quarterly evaluation report" in words
    assert not [name for name in _NAMES for part in name.split() if part in words]


def test_a_worker_who_is_not_a_lead_makes_no_report(signed_in, tmp_path) -> None:
    signed_in.worker = dataclasses.replace(signed_in.worker, role="worker")
    with pytest.raises(InvalidInput, match="for team leads"):
        quarterly_report.save_report(session=signed_in, quarter=quarter_of_test(date.today()),
                                     path=tmp_path / "report.pdf")
    assert not (tmp_path / "report.pdf").exists()
