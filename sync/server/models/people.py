"""The minimal person registry that decides who sees whom (the sync issue extends it)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, object_session

from sync.server.models.base import Base, UTCDateTime, utcnow


class Person(Base):
    __tablename__ = "people"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # made by the client
    # Not a foreign key (migration 0007): the check, per inserted row, cost a push of new
    # people a query a person and share-locked the team's row. Teams are never deleted,
    # and the writers take the team from the device's own row or check it (move_person).
    owning_team_id: Mapped[str] = mapped_column(String(36), index=True)
    # A keyed hash (services/sealing.lookup_hash), what lookups match on; the key as
    # typed is kept only sealed, to be shown back (see `linkage_key`). Migration 0009.
    linkage_hash: Mapped[str] = mapped_column("linkage_key", String(80), index=True)
    linkage_sealed: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_device_id: Mapped[str | None] = mapped_column(String(36))

    @property
    def linkage_key(self) -> str:
        """The linkage key as typed, opened from its sealed copy with the master key of
        the session this person was read in: every reader (the lookup route's matches,
        the person view, a repeated create) shows the key, never its hash."""
        from sync.server.services import sealing  # models load before services

        session = object_session(self)
        if session is None:
            raise RuntimeError("a person's linkage key opens only in a session")
        return sealing.open_linkage(session, self.id, self.linkage_hash, self.linkage_sealed)


class PersonIdentifier(Base):
    # Not unique across people: two devices offline may create the same person twice,
    # and the server must keep both until a worker merges them.
    __tablename__ = "person_identifiers"
    __table_args__ = (
        UniqueConstraint("person_id", "kind", "value"),
        Index("ix_person_identifiers_kind_value", "kind", "value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[str] = mapped_column(String(20))
    # A keyed hash of the identifier (what lookups match); the sealed copy is what the
    # person view shows back. Migration 0009.
    value: Mapped[str] = mapped_column(String(80))
    value_sealed: Mapped[str | None] = mapped_column(Text)


class Consent(Base):
    __tablename__ = "consents"

    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True)
    agency: Mapped[str] = mapped_column(String(40), primary_key=True)
    granted: Mapped[bool] = mapped_column(Boolean)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeviceFetch(Base):
    """A person a worker pulled onto a device on purpose (or by break-glass)."""

    __tablename__ = "device_fetches"
    __table_args__ = (Index("ix_device_fetches_device_person", "device_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    worker_id: Mapped[str] = mapped_column(ForeignKey("workers.id"))
    reason: Mapped[str] = mapped_column(String(500))
    break_glass: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# The handovers still waiting for the receiving team: whose sending team keeps reading.
OPEN = "accepted_at IS NULL"


class Handover(Base):
    """A person handed from one team to another on purpose (services/handovers decides,
    services/registry writes). While `accepted_at` is empty the sending team keeps read
    access (services/access.scope_of); at most one is open per person."""

    __tablename__ = "handovers"
    __table_args__ = (
        Index("uq_handovers_open_person", "person_id", unique=True,
              postgresql_where=text(OPEN), sqlite_where=text(OPEN)),
        # What every pull's scope asks: the people a team handed over and still reads.
        Index("ix_handovers_open_from_team", "from_team_id",
              postgresql_where=text(OPEN), sqlite_where=text(OPEN)),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the request's row id
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    from_team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    to_team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    reason: Mapped[str] = mapped_column(String(20))
    # The note as typed, sealed under the registry's key (services/sealing.seal_copy): a
    # handover spans two teams, so no one team's key seals it. "" when none was typed.
    note_sealed: Mapped[str] = mapped_column(Text, default="")
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_by_worker_id: Mapped[str | None] = mapped_column(String(36))  # None: IT
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accept_by: Mapped[date] = mapped_column(Date)  # computed here, never the laptop's
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by: Mapped[str | None] = mapped_column(String(200))
    accepted_by_worker_id: Mapped[str | None] = mapped_column(String(36))
    # When both team leads were told it is overdue: they are told once.
    overdue_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
