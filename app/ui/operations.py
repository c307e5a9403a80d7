"""The narrow operations the composition hands to screens, bound to the signed-in session.

Only the main window and the controller hold a `WorkerSession`; a screen gets one of
these objects and sees it through its own small Protocol (what it reads, what it writes),
so it cannot open a transaction, close the store or reach the server token. Writes say
what they changed, so the window refreshes from one place.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from app.domain.appointments import Outcome
from app.domain.assessment import AssessmentSchema, Value
from app.domain.careplan import CarePlanVersion
from app.domain.keywork import KeyWorkSession
from app.domain.outcomes.months import Quarter
from app.domain.outcomes.top import TopForm
from app.domain.referrals import ReferralService, ReferralStatus
from app.domain.tasks import DecisionKind, Task
from app.services import (
    allocation,
    appointment_card,
    appointments,
    assessment,
    careplan,
    conflicts,
    consent,
    dashboard,
    handover,
    handover_inbox,
    handover_printing,
    journey,
    journey_printing,
    key_recovery,
    keywork,
    merge,
    outcomes,
    people,
    printing,
    quarterly_report,
    referrals,
    tasks,
    team_desk,
)
from app.services.assessment import AssessmentView, HistoryEntry, SectionSaved, TriageSaved
from app.services.caseload import held_by, search_people
from app.services.changes import Changed, Part
from app.services.consent import ConsentInput
from app.services.handover import Team
from app.services.handover_inbox import HandoverEntry, InboxEntry
from app.services.journey import EventInput, Journey
from app.services.key_workers import KnownWorker, known_workers
from app.services.merge import MergeView
from app.services.paper_check import PaperCheck, check_printed_fingerprint
from app.services.printing import PdfDocument, Verification
from app.services.session import WorkerSession
from app.services.sync import (
    ElsewhereMatch,
    Progress,
    SyncReport,
    SyncStatus,
    break_glass,
    fetch_person,
    find_elsewhere,
    sync_now,
    sync_status,
)
from app.services.views import PersonInput, PersonRecord, PersonSummary

Typed = dict[str, dict[str, str]]
Base = dict[str, dict[str, Value]]
_log = logging.getLogger(__name__)


class _Bound:
    def __init__(self, session: WorkerSession) -> None:
        self._session = session

    @property
    def schema(self) -> AssessmentSchema:
        return self._session.reference.schema


class _Printing(_Bound):
    """What a print preview needs: the audit of a print, and a copy saved."""

    def record_printed(self, document: PdfDocument, pages: int) -> None:
        printing.record_printed(session=self._session, document=document, pages=pages)

    def save_pdf(self, document: PdfDocument, path: Path) -> Path:
        return printing.save_pdf(session=self._session, document=document, path=path)


class RecordOperations(_Printing):
    """One person's record: details, assessment, consent, merges, the care plan, printing."""

    @property
    def worker_name(self) -> str:
        return self._session.worker.full_name

    # ---- reading --------------------------------------------------------------------------
    def person(self, person_id: str) -> PersonRecord:
        return people.get_person(session=self._session, person_id=person_id)

    def assessment(self, person_id: str) -> AssessmentView:
        return assessment.load_assessment(session=self._session, person_id=person_id)

    def fields_in_conflict(self, person_id: str) -> set[tuple[str, str]]:
        return conflicts.fields_in_conflict(session=self._session, person_id=person_id)

    def changed_by(self, person_id: str, now: dict[tuple[str, str], Value | None]
                   ) -> dict[tuple[str, str], HistoryEntry]:
        return assessment.changed_by(session=self._session, person_id=person_id, now=now)

    def history(self, person_id: str) -> list[HistoryEntry]:
        return assessment.person_history(session=self._session, person_id=person_id)

    def merges(self, person_id: str) -> list[MergeView]:
        return merge.list_merges(session=self._session, survivor_id=person_id)

    def search(self, text: str) -> list[PersonSummary]:
        return search_people(session=self._session, text=text)

    # ---- the assessment ----------------------------------------------------------------------
    def save_section(self, person_id: str, section: str, typed: dict[str, str],
                     base: dict[str, Value]) -> SectionSaved:
        return assessment.save_section(session=self._session, person_id=person_id,
                                       section=section, typed=typed, base=base)

    def save_triage(self, person_id: str, typed: Typed, base: Base) -> TriageSaved:
        return assessment.save_triage(session=self._session, person_id=person_id,
                                      typed=typed, base=base)

    def save_sections(self, person_id: str, typed: Typed, base: Base) -> list[SectionSaved]:
        return assessment.save_sections(session=self._session, person_id=person_id,
                                        typed=typed, base=base)

    def record_contact(self, person_id: str, setting: str) -> Changed:
        assessment.record_contact(session=self._session, person_id=person_id, setting=setting)
        return Changed.of(person_id, Part.RECORD)

    # ---- details, duplicates, consent -----------------------------------------------------
    def update_person(self, person_id: str, person: PersonInput) -> Changed:
        people.update_person(session=self._session, person_id=person_id, person=person)
        return Changed.of(person_id, Part.RECORD, Part.CASELOAD)

    def merge(self, survivor_id: str, merged_id: str, reason: str) -> Changed:
        merge.merge_people(session=self._session, survivor_id=survivor_id,
                           merged_id=merged_id, reason=reason)
        return Changed.of(survivor_id, Part.RECORD, Part.CASELOAD) | Changed.of(merged_id)

    def undo_last_merge(self, person_id: str) -> Changed:
        """The newest merge into this person undone; nothing if there is none."""
        merges = self.merges(person_id)
        if not merges:
            return Changed()
        return merge.undo_merge(session=self._session, merge_id=merges[-1].merge_id)

    def record_consent(self, person_id: str, typed: ConsentInput) -> Changed:
        consent.record_consent(session=self._session, person_id=person_id, typed=typed)
        return Changed.of(person_id, Part.CONSENT)

    def withdraw_consent(self, person_id: str, agency: str) -> Changed:
        consent.withdraw_consent(session=self._session, person_id=person_id, agency=agency)
        return Changed.of(person_id, Part.CONSENT)

    # ---- the care plan and its documents ----------------------------------------------------
    def care_plan(self, person_id: str) -> careplan.CarePlanView:
        return careplan.load_care_plan(session=self._session, person_id=person_id)

    def starting_plan(self, person_id: str) -> careplan.CarePlanInput:
        return careplan.starting_plan(session=self._session, person_id=person_id)

    def save_plan(self, person_id: str, plan: careplan.CarePlanInput) -> CarePlanVersion:
        return careplan.save_plan(session=self._session, person_id=person_id, plan=plan)

    def sign_version(self, version_id: str, person: careplan.SignatureInput,
                     worker: careplan.SignatureInput) -> CarePlanVersion:
        return careplan.sign_version(session=self._session, version_id=version_id,
                                     person=person, worker=worker)

    def care_plan_pdf(self, version_id: str) -> PdfDocument:
        return printing.care_plan_pdf(session=self._session, version_id=version_id)

    def assessment_pdf(self, person_id: str) -> PdfDocument:
        return printing.assessment_pdf(session=self._session, person_id=person_id)

    # ---- the journey -------------------------------------------------------------------------
    def journey(self, person_id: str) -> Journey:
        return journey.journey_of(session=self._session, person_id=person_id)

    def record_event(self, person_id: str, typed: EventInput) -> Changed:
        journey.record_event(session=self._session, person_id=person_id, typed=typed)
        return Changed.of(person_id, Part.JOURNEY)

    def ra_notice_pdf(self, event_id: str) -> PdfDocument:
        return journey_printing.ra_notice_pdf(session=self._session, event_id=event_id)

    def handover_pdf(self, person_id: str) -> PdfDocument:
        return handover_printing.handover_pdf(session=self._session, person_id=person_id)

    # ---- handing over, and who holds the person ----------------------------------------------
    def signed_in(self) -> bool:
        return bool(self._session.server_token)

    def teams(self, password: str) -> list[Team]:
        """Network work: the teams from the server, else as last fetched; never this
        laptop's own team (a person is handed to another)."""
        mine = handover.my_team(session=self._session)
        listed = handover.teams(session=self._session, password=password)
        return [t for t in listed if mine is None or t.team_id != mine.team_id]

    def teams_kept(self) -> list[Team]:
        mine = handover.my_team(session=self._session)
        return [t for t in handover.teams_kept(session=self._session)
                if mine is None or t.team_id != mine.team_id]

    def request_handover(self, person_id: str, to_team_id: str, reason: str,
                         note: str) -> Changed:
        return handover.request_handover(session=self._session, person_id=person_id,
                                         to_team_id=to_team_id, reason=reason, note=note)

    def open_handover(self, person_id: str) -> HandoverEntry | None:
        return handover_inbox.open_handover(session=self._session, person_id=person_id)

    @property
    def is_team_lead(self) -> bool:
        return self._session.worker.role == allocation.TEAM_LEAD

    def key_worker_name(self, person_id: str) -> str:
        held = allocation.key_worker(session=self._session, person_id=person_id)
        return held.key_worker_name if held else ""

    def known_workers(self) -> list[KnownWorker]:
        return known_workers(session=self._session)

    def allocate(self, person_id: str, worker_id: str, worker_name: str) -> Changed:
        return allocation.allocate(session=self._session, person_id=person_id,
                                   worker_id=worker_id, worker_name=worker_name)

    def take_on(self, person_id: str) -> Changed:
        """The signed-in worker takes on someone nobody holds."""
        worker = self._session.worker
        return self.allocate(person_id, worker.id, worker.full_name)


class WorkOperations(_Printing):
    """The worker's day: appointments, referrals, key work and tasks."""

    @property
    def worker_name(self) -> str:
        return self._session.worker.full_name

    # ---- appointments ---------------------------------------------------------------------
    def appointments(self, person_id: str) -> list[appointments.Listed]:
        return appointments.of_person(session=self._session, person_id=person_id)

    def book(self, person_id: str, booking: appointments.Booking) -> Changed:
        appointments.book(session=self._session, person_id=person_id, booking=booking)
        return Changed.of(person_id, Part.WORK)

    def record_outcome(self, person_id: str, appointment_id: str, outcome: Outcome,
                       reason: str = "") -> Changed:
        appointments.record_outcome(session=self._session, appointment_id=appointment_id,
                                    outcome=outcome, reason=reason)
        return Changed.of(person_id, Part.WORK)

    def day(self, on: date, mine_only: bool = True) -> list[appointments.Listed]:
        return appointments.day(session=self._session, on=on, mine_only=mine_only)

    def appointment_card_pdf(self, person_id: str) -> PdfDocument:
        return appointment_card.appointment_card_pdf(session=self._session,
                                                     person_id=person_id)

    # ---- referrals ------------------------------------------------------------------------
    def referrals(self, person_id: str) -> list[referrals.Tracked]:
        return referrals.of_person(session=self._session, person_id=person_id)

    def tracker(self, open_only: bool = True) -> list[referrals.Tracked]:
        return referrals.tracker(session=self._session, open_only=open_only)

    def refer(self, person_id: str, service: ReferralService, reason: str,
              partner_contact: str = "") -> Changed:
        referrals.refer(session=self._session, person_id=person_id, service=service,
                        reason=reason, partner_contact=partner_contact)
        return Changed.of(person_id, Part.WORK)

    def referral_step(self, person_id: str, referral_id: str, status: ReferralStatus,
                      note: str = "", on: date | None = None,
                      corrects: str | None = None) -> Changed:
        """A step recorded; with `corrects`, it replaces the last step, recorded in error."""
        referrals.record_step(session=self._session, referral_id=referral_id, status=status,
                              note=note, on=on, corrects=corrects)
        return Changed.of(person_id, Part.WORK)

    # ---- key work -------------------------------------------------------------------------
    def sessions(self, person_id: str) -> list[KeyWorkSession]:
        return keywork.of_person(session=self._session, person_id=person_id)

    def plan_goals(self, person_id: str) -> tuple[str, ...]:
        return keywork.plan_goals(session=self._session, person_id=person_id)

    def record_session(self, person_id: str, typed: keywork.SessionInput) -> Changed:
        keywork.record(session=self._session, person_id=person_id, typed=typed)
        return Changed.of(person_id, Part.WORK)

    # ---- tasks ----------------------------------------------------------------------------
    def my_tasks(self) -> list[tasks.TaskLine]:
        return tasks.mine(session=self._session)

    def team_tasks(self) -> list[tasks.TaskLine]:
        return tasks.team(session=self._session)

    def person_tasks(self, person_id: str) -> list[Task]:
        return tasks.of_person(session=self._session, person_id=person_id)

    def overdue_count(self) -> int:
        return tasks.overdue_count(session=self._session)

    def decide(self, task: Task, kind: DecisionKind, reason: str = "") -> Changed:
        tasks.decide(session=self._session, task=task, kind=kind, reason=reason)
        return Changed.of(task.person_id, Part.WORK)


class DeskOperations(_Bound):
    """A team lead's: the team's caseload by worker, and the server's notifications."""

    def caseload_by_worker(self) -> list[team_desk.WorkerLoad]:
        return team_desk.caseload_by_worker(session=self._session)

    def people_of(self, worker_id: str | None) -> list[PersonSummary]:
        return held_by(session=self._session, worker_id=worker_id)

    def signed_in(self) -> bool:
        return bool(self._session.server_token)

    def notifications(self, password: str) -> list[team_desk.NotificationView]:
        return team_desk.notifications(session=self._session, password=password)

    def mark_read(self, notification_id: int, password: str) -> None:
        team_desk.mark_read(session=self._session, notification_id=notification_id,
                            password=password)

    def known_workers(self) -> list[KnownWorker]:
        return known_workers(session=self._session)

    def team_laptops(self, password: str) -> list[key_recovery.TeamLaptop]:
        return key_recovery.team_laptops(session=self._session, password=password)

    def recover_key(self, password: str, laptop: key_recovery.TeamLaptop | None,
                    worker_id: str, worker_name: str, reason: str) -> key_recovery.RecoveredKey:
        return key_recovery.recover_key(session=self._session, password=password, laptop=laptop,
                                        worker_id=worker_id, worker_name=worker_name,
                                        reason=reason)


class HandoverOperations(_Bound):
    """The handover inbox: what waits to be accepted, here or at the other team."""

    def inbox(self) -> list[InboxEntry]:
        return handover_inbox.inbox(session=self._session)

    def inbound_count(self) -> int:
        return handover_inbox.inbound_waiting(session=self._session)

    def accept(self, handover_id: str) -> Changed:
        return handover.accept_handover(session=self._session, handover_id=handover_id)


class ConflictOperations(_Bound):
    """Conflicts and sync problems: list them, decide them, try set-aside rows again."""

    def conflicts(self) -> list[conflicts.ConflictView]:
        return conflicts.list_conflicts(session=self._session)

    def refused(self) -> list[conflicts.RefusedView]:
        return conflicts.list_refused(session=self._session)

    def not_stored(self) -> list[conflicts.NotStoredView]:
        return conflicts.list_not_stored(session=self._session)

    def resolve(self, conflict_id: str, value: Any) -> Changed:
        return conflicts.resolve_conflict(session=self._session, conflict_id=conflict_id,
                                          value=value)

    def store_again(self) -> Changed:
        conflicts.try_storing_again(session=self._session)
        return Changed.everything()  # the rows stored may belong to anyone


class OutcomeOperations(_Bound):
    """TOP outcome forms and a person's progress (issue 21)."""

    @property
    def worker_name(self) -> str:
        return self._session.worker.full_name

    def of_person(self, person_id: str) -> outcomes.Outcomes:
        return outcomes.of_person(session=self._session, person_id=person_id)

    def record_form(self, form: TopForm) -> Changed:
        """Checked (InvalidInput names each field), stored and queued for sync."""
        outcomes.record(session=self._session, form=form)
        return Changed.of(form.person_id, Part.WORK)


class VerifyOperations(_Bound):
    """Checking a signed PDF or a fingerprint typed from paper (reads only)."""

    def verify_pdf(self, data: bytes) -> Verification:
        return printing.verify_pdf(data=data, session=self._session)

    def check_fingerprint(self, typed: str) -> PaperCheck:
        return check_printed_fingerprint(session=self._session, typed=typed)


class ElsewhereOperations(_Bound):
    """Asking the server about another team's people: network work, off the UI thread."""

    def signed_in(self) -> bool:
        return bool(self._session.server_token)

    def find(self, password: str, typed: str) -> list[ElsewhereMatch]:
        return find_elsewhere(session=self._session, password=password, typed=typed)

    def fetch(self, password: str, person_id: str, reason: str) -> SyncReport:
        return fetch_person(session=self._session, password=password, person_id=person_id,
                            reason=reason)

    def break_glass(self, password: str, person_id: str, reason_code: str,
                    reason: str) -> SyncReport:
        return break_glass(session=self._session, password=password, person_id=person_id,
                           reason_code=reason_code, reason=reason)


class SyncOperations(_Bound):
    """One sync cycle and where sync stands, for the scheduler and the status bar."""

    def is_open(self) -> bool:
        return self._session.is_open

    def status(self) -> SyncStatus:
        return sync_status(session=self._session)

    def cycle(self, progress: Progress) -> SyncReport:
        """Runs on the network lane, never the UI thread."""
        report = sync_now(session=self._session, progress=progress)
        try:
            # Conflicts nobody needs to decide (a section's check time) are settled
            # before the status bar counts what is left.
            conflicts.settle_automatic(session=self._session)
        except Exception:  # the sync itself succeeded: say so; the next cycle settles
            _log.exception("settling section check stamps failed")
        return report


class DashboardOperations(_Bound):
    """A team lead's: the team's outcome figures for a quarter, and its report as a PDF."""

    def figures(self, quarter: Quarter) -> dashboard.Dashboard:
        return dashboard.team_dashboard(session=self._session, quarter=quarter)

    def save_report(self, quarter: Quarter, path: Path) -> Path:
        return quarterly_report.save_report(session=self._session, quarter=quarter, path=path)

    def report_name(self, quarter: Quarter) -> str:
        return quarterly_report.suggested_name(quarter)
