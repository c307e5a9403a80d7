"""The worker's day, as rows: appointments and their outcomes, referrals to partners and
their answers, key-work sessions, and decisions on tasks. All append-only and synced.

Nothing here is edited: a wrong appointment, step or session is corrected by a new row
naming the one it supersedes (the database refuses an update or a delete), so two laptops
recording offline both keep theirs and every laptop tells the same story.
"""

from __future__ import annotations

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models import Base, SyncableMixin

_NAME = 200
_DAY = 10


class AppointmentRow(SyncableMixin, Base):
    __tablename__ = "appointments"
    __table_args__ = (Index("ix_appointments_on_day", "on_day"),)  # the day view

    person_id: Mapped[str] = mapped_column(String(36), index=True)
    on_day: Mapped[str] = mapped_column(String(_DAY))  # ISO date
    at_time: Mapped[str] = mapped_column(String(5), default="")  # HH:MM, local
    place: Mapped[str] = mapped_column(String(200), default="")
    with_whom: Mapped[str] = mapped_column(String(200), default="")
    what_for: Mapped[str] = mapped_column(String(200), default="")
    follows_up_id: Mapped[str | None] = mapped_column(String(36))  # a missed one rebooked
    supersedes_id: Mapped[str | None] = mapped_column(String(36))
    booked_by_name: Mapped[str] = mapped_column(String(_NAME))
    booked_at: Mapped[str] = mapped_column(String(40))


class AppointmentOutcomeRow(SyncableMixin, Base):
    __tablename__ = "appointment_outcomes"

    person_id: Mapped[str] = mapped_column(String(36), index=True)
    appointment_id: Mapped[str] = mapped_column(String(36))
    outcome: Mapped[str] = mapped_column(String(20))
    recorded_on: Mapped[str] = mapped_column(String(_DAY))
    reason: Mapped[str] = mapped_column(Text, default="")
    supersedes_id: Mapped[str | None] = mapped_column(String(36))
    recorded_by_name: Mapped[str] = mapped_column(String(_NAME))
    recorded_at: Mapped[str] = mapped_column(String(40))


class ReferralRow(SyncableMixin, Base):
    __tablename__ = "referrals"

    person_id: Mapped[str] = mapped_column(String(36), index=True)
    service: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    sent_on: Mapped[str] = mapped_column(String(_DAY))
    partner_contact: Mapped[str] = mapped_column(String(200), default="")
    sent_by_name: Mapped[str] = mapped_column(String(_NAME))
    recorded_at: Mapped[str] = mapped_column(String(40))


class ReferralUpdateRow(SyncableMixin, Base):
    __tablename__ = "referral_updates"

    person_id: Mapped[str] = mapped_column(String(36), index=True)
    referral_id: Mapped[str] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(20))
    on_day: Mapped[str] = mapped_column(String(_DAY))
    note: Mapped[str] = mapped_column(Text, default="")
    supersedes_id: Mapped[str | None] = mapped_column(String(36))
    recorded_by_name: Mapped[str] = mapped_column(String(_NAME))
    recorded_at: Mapped[str] = mapped_column(String(40))


class KeyWorkSessionRow(SyncableMixin, Base):
    __tablename__ = "keywork_sessions"

    person_id: Mapped[str] = mapped_column(String(36), index=True)
    held_on: Mapped[str] = mapped_column(String(_DAY))
    setting: Mapped[str] = mapped_column(String(20))
    minutes: Mapped[int] = mapped_column(Integer)
    session_type: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(Text, default="")
    goals_json: Mapped[str] = mapped_column(Text, default="[]")
    care_plan_version_id: Mapped[str | None] = mapped_column(String(36))
    supersedes_id: Mapped[str | None] = mapped_column(String(36))
    recorded_by_name: Mapped[str] = mapped_column(String(_NAME))
    recorded_at: Mapped[str] = mapped_column(String(40))


class TaskDecisionRow(SyncableMixin, Base):
    """A worker's decision on a computed task (done, dismissed with a reason, or reopened):
    tasks are never stored, only what was decided about them, keyed by the task's key."""

    __tablename__ = "task_decisions"

    person_id: Mapped[str] = mapped_column(String(36), index=True)
    task_key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_on: Mapped[str] = mapped_column(String(_DAY))
    decided_by_name: Mapped[str] = mapped_column(String(_NAME))
    decided_at: Mapped[str] = mapped_column(String(40))


WORK_MODELS = (AppointmentRow, AppointmentOutcomeRow, ReferralRow, ReferralUpdateRow,
               KeyWorkSessionRow, TaskDecisionRow)
