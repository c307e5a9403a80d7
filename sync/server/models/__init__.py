"""All server tables; importing this module registers them on Base.metadata."""

from sync.server.models.audit import AuditEvent, Notification, RateLimitBucket
from sync.server.models.base import Base, utcnow
from sync.server.models.console import (
    ConsolePasswordReset,
    ConsoleRecoveryCode,
    ConsoleSession,
    ConsoleTotp,
)
from sync.server.models.keys import TeamKey
from sync.server.models.org import (
    Device,
    EnrolmentCode,
    KeyEscrow,
    Team,
    Worker,
    WorkerCredential,
    WorkerSession,
)
from sync.server.models.people import (
    Consent,
    DeviceFetch,
    Handover,
    Person,
    PersonIdentifier,
)
from sync.server.models.reports import ReportKey
from sync.server.models.sync import (
    ScopeChange,
    SyncChange,
    SyncCounter,
    SyncRevision,
    SyncRow,
)

__all__ = [
    "AuditEvent",
    "Base",
    "Consent",
    "ConsolePasswordReset",
    "ConsoleRecoveryCode",
    "ConsoleSession",
    "ConsoleTotp",
    "Device",
    "DeviceFetch",
    "EnrolmentCode",
    "Handover",
    "KeyEscrow",
    "Notification",
    "Person",
    "PersonIdentifier",
    "RateLimitBucket",
    "ReportKey",
    "ScopeChange",
    "SyncChange",
    "SyncCounter",
    "SyncRevision",
    "SyncRow",
    "Team",
    "TeamKey",
    "Worker",
    "WorkerCredential",
    "WorkerSession",
    "utcnow",
]
