"""The worker's day, rows <-> domain: appointments and outcomes, referrals and their steps,
key-work sessions and task decisions. Rows are only ever added (see work_models)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, time
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.appointments import Appointment, AppointmentOutcome, Outcome
from app.domain.consent import ConsentRecord
from app.domain.journey.kinds import Setting
from app.domain.keywork import KeyWorkSession, SessionType
from app.domain.referrals import Referral, ReferralService, ReferralStatus, ReferralUpdate
from app.domain.tasks.decisions import DecisionKind, TaskDecision
from app.store.consent_repo import consent_record
from app.store.identity import WriteContext, stamp_new
from app.store.person_models import Consent
from app.store.repositories import utc_now
from app.store.work_models import (
    AppointmentOutcomeRow,
    AppointmentRow,
    KeyWorkSessionRow,
    ReferralRow,
    ReferralUpdateRow,
    TaskDecisionRow,
)

Row = TypeVar("Row", AppointmentRow, AppointmentOutcomeRow, ReferralRow, ReferralUpdateRow,
              KeyWorkSessionRow, TaskDecisionRow)


def _day(text: str) -> date:
    return date.fromisoformat(text)


def appointment(row: AppointmentRow) -> Appointment:
    return Appointment(row.id, row.person_id, _day(row.on_day),
                       time.fromisoformat(row.at_time) if row.at_time else None, row.place,
                       row.with_whom, row.what_for, row.booked_by_name, row.created_hlc,
                       row.follows_up_id, row.supersedes_id)


def outcome(row: AppointmentOutcomeRow) -> AppointmentOutcome:
    return AppointmentOutcome(row.id, row.appointment_id, row.person_id, Outcome(row.outcome),
                              _day(row.recorded_on), row.recorded_by_name, row.created_hlc,
                              row.reason, row.supersedes_id)


def referral(row: ReferralRow) -> Referral:
    return Referral(row.id, row.person_id, ReferralService(row.service), row.reason,
                    _day(row.sent_on), row.sent_by_name, row.created_hlc, row.partner_contact)


def referral_update(row: ReferralUpdateRow) -> ReferralUpdate:
    return ReferralUpdate(row.id, row.referral_id, row.person_id, ReferralStatus(row.status),
                          _day(row.on_day), row.recorded_by_name, row.created_hlc, row.note,
                          row.supersedes_id)


def session_of(row: KeyWorkSessionRow) -> KeyWorkSession:
    return KeyWorkSession(row.id, row.person_id, _day(row.held_on), Setting(row.setting),
                          row.minutes, SessionType(row.session_type), row.notes,
                          tuple(json.loads(row.goals_json)), row.care_plan_version_id,
                          row.recorded_by_name, row.created_hlc, row.supersedes_id)


def decision(row: TaskDecisionRow) -> TaskDecision:
    return TaskDecision(row.id, row.task_key, row.person_id, DecisionKind(row.kind),
                        row.decided_by_name, _day(row.decided_on), row.created_hlc, row.reason)


class WorkRepository:
    def __init__(self, session: Session, ctx: WriteContext | None = None,
                 worker_name: str = "") -> None:
        self._session = session
        self._ctx = ctx
        self._name = worker_name

    # ---- reads ------------------------------------------------------------------------
    def _of(self, model: type[Row], person_ids: Sequence[str]) -> list[Row]:
        return list(self._session.scalars(select(model).where(
            model.person_id.in_(person_ids)).order_by(model.created_hlc)))

    def appointments(self, *person_ids: str) -> list[Appointment]:
        return [appointment(r) for r in self._of(AppointmentRow, person_ids)]

    def outcomes(self, *person_ids: str) -> list[AppointmentOutcome]:
        return [outcome(r) for r in self._of(AppointmentOutcomeRow, person_ids)]

    def referrals(self, *person_ids: str) -> list[Referral]:
        return [referral(r) for r in self._of(ReferralRow, person_ids)]

    def referral_updates(self, *person_ids: str) -> list[ReferralUpdate]:
        return [referral_update(r) for r in self._of(ReferralUpdateRow, person_ids)]

    def sessions(self, *person_ids: str) -> list[KeyWorkSession]:
        return [session_of(r) for r in self._of(KeyWorkSessionRow, person_ids)]

    def decisions(self, *person_ids: str) -> list[TaskDecision]:
        return [decision(r) for r in self._of(TaskDecisionRow, person_ids)]

    def consents(self, person_id: str) -> list[ConsentRecord]:
        """What the person agreed to share, and with whom: a referral reads it."""
        return [consent_record(row) for row in self._session.scalars(select(Consent).where(
            Consent.person_id == person_id, Consent.deleted.is_(False)))]

    def appointments_by_id(self, *ids: str) -> list[Appointment]:
        rows = self._session.scalars(select(AppointmentRow).where(AppointmentRow.id.in_(ids)))
        return [appointment(r) for r in rows]

    def referrals_by_id(self, *ids: str) -> list[Referral]:
        return [referral(r) for r in self._session.scalars(
            select(ReferralRow).where(ReferralRow.id.in_(ids)))]

    def all_referrals(self) -> list[Referral]:
        return [referral(r) for r in self._session.scalars(select(ReferralRow))]

    def appointments_between(self, first: date, last: date) -> list[Appointment]:
        """Every booking on these days, anyone's: the day view (indexed by day)."""
        rows = self._session.scalars(select(AppointmentRow).where(
            AppointmentRow.on_day.between(first.isoformat(), last.isoformat())))
        return [appointment(r) for r in rows]

    def outcomes_for(self, appointment_ids: Sequence[str]) -> list[AppointmentOutcome]:
        rows = self._session.scalars(select(AppointmentOutcomeRow).where(
            AppointmentOutcomeRow.appointment_id.in_(appointment_ids)))
        return [outcome(r) for r in rows]

    # ---- writes: each a new row, stamped here ----------------------------------------
    def _add(self, row: Row) -> Row:
        assert self._ctx is not None, "a write needs a write context"
        stamp_new(row, self._ctx, append_only=True)
        self._session.add(row)
        self._session.flush()
        return row

    def add_appointment(self, given: Appointment) -> Appointment:
        return appointment(self._add(AppointmentRow(
            person_id=given.person_id, on_day=given.on.isoformat(),
            at_time=given.at.strftime("%H:%M") if given.at else "", place=given.where,
            with_whom=given.with_whom, what_for=given.what_for,
            follows_up_id=given.follows_up, supersedes_id=given.supersedes,
            booked_by_name=self._name, booked_at=utc_now())))

    def add_outcome(self, given: AppointmentOutcome) -> AppointmentOutcome:
        return outcome(self._add(AppointmentOutcomeRow(
            person_id=given.person_id, appointment_id=given.appointment_id,
            outcome=given.outcome.value, recorded_on=given.recorded_on.isoformat(),
            reason=given.reason, supersedes_id=given.supersedes,
            recorded_by_name=self._name, recorded_at=utc_now())))

    def add_referral(self, given: Referral) -> Referral:
        return referral(self._add(ReferralRow(
            person_id=given.person_id, service=given.service.value, reason=given.reason,
            sent_on=given.sent_on.isoformat(), partner_contact=given.partner_contact,
            sent_by_name=self._name, recorded_at=utc_now())))

    def add_referral_update(self, given: ReferralUpdate) -> ReferralUpdate:
        return referral_update(self._add(ReferralUpdateRow(
            person_id=given.person_id, referral_id=given.referral_id,
            status=given.status.value, on_day=given.on.isoformat(), note=given.note,
            supersedes_id=given.supersedes, recorded_by_name=self._name,
            recorded_at=utc_now())))

    def add_session(self, given: KeyWorkSession) -> KeyWorkSession:
        return session_of(self._add(KeyWorkSessionRow(
            person_id=given.person_id, held_on=given.held_on.isoformat(),
            setting=given.setting.value, minutes=given.minutes,
            session_type=given.session_type.value, notes=given.notes,
            goals_json=json.dumps(list(given.goals)),
            care_plan_version_id=given.care_plan_version_id, supersedes_id=given.supersedes,
            recorded_by_name=self._name, recorded_at=utc_now())))

    def add_decision(self, given: TaskDecision) -> TaskDecision:
        return decision(self._add(TaskDecisionRow(
            person_id=given.person_id, task_key=given.task_key, kind=given.kind.value,
            reason=given.reason, decided_on=given.decided_on.isoformat(),
            decided_by_name=self._name, decided_at=utc_now())))

