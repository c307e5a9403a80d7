"""Which local tables sync, how each row names its person, and which never change."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.store.allocation_models import KeyWorkerAllocation
from app.store.careplan_models import CarePlanSignature, CarePlanVersion
from app.store.journey_models import JourneyEventRow
from app.store.models import Base, Person, SyncableMixin
from app.store.outcome_models import TopFormRow
from app.store.person_models import (
    AssessmentHistory,
    AssessmentValue,
    Consent,
    Contact,
    PersonAlias,
    PersonMerge,
    SectionConfirmation,
)
from app.store.work_models import WORK_MODELS
from sync import protocol as p

# Identity and bookkeeping travel beside the fields, not inside them.
META_COLUMNS = frozenset({"id", "revision_id", "base_revision_id", "updated_hlc", "device_id",
                          "worker_id"})


@dataclass(frozen=True)
class SyncedTable:
    model: type[Base]
    person_of: Callable[[Any], str]
    append_only: bool = False

    @property
    def name(self) -> str:
        return str(self.model.__tablename__)

    def columns(self) -> tuple[str, ...]:
        return _columns(self.model)

    def field_names(self) -> tuple[str, ...]:
        """Asked once per row applied or captured: worked out once per table."""
        return _field_names(self.model)


@functools.cache
def _columns(model: type[Base]) -> tuple[str, ...]:
    return tuple(c.key for c in model.__table__.columns)  # type: ignore[attr-defined]


@functools.cache
def _field_names(model: type[Base]) -> tuple[str, ...]:
    return tuple(c for c in _columns(model) if c not in META_COLUMNS)


def _own_id(row: Any) -> str:
    return str(row.id)


def _person_id(row: Any) -> str:
    return str(row.person_id)


def _survivor(row: Any) -> str:
    return str(row.survivor_id)


TABLES: dict[str, SyncedTable] = {t.name: t for t in (
    SyncedTable(Person, _own_id),
    SyncedTable(PersonAlias, _person_id),
    SyncedTable(Consent, _person_id),
    SyncedTable(AssessmentValue, _person_id),
    SyncedTable(SectionConfirmation, _person_id),
    SyncedTable(Contact, _person_id),
    SyncedTable(PersonMerge, _survivor),
    # Field history is append-only: every value any device wrote reaches every device.
    SyncedTable(AssessmentHistory, _person_id, append_only=True),
    # A plan version may change while a draft (the server refuses changes once signed);
    # signatures never change.
    SyncedTable(CarePlanVersion, _person_id),
    SyncedTable(CarePlanSignature, _person_id, append_only=True),
    SyncedTable(JourneyEventRow, _person_id, append_only=True),
    SyncedTable(KeyWorkerAllocation, _person_id, append_only=True),
    *(SyncedTable(model, _person_id, append_only=True) for model in WORK_MODELS),
    SyncedTable(TopFormRow, _person_id, append_only=True),
)}


# Rows the server makes that this laptop keeps in tables of its own (store._apply_row).
SERVER_ROWS_KEPT = frozenset({p.CONFLICTS_TABLE, p.HANDOVERS_TABLE})


def is_syncable(row: object) -> bool:
    return getattr(row, "__tablename__", None) in TABLES and (
        isinstance(row, SyncableMixin) or TABLES[row.__tablename__].append_only)  # type: ignore[attr-defined]
