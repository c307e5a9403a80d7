"""What the local audit trail records. The store chains the entries; this names them."""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    OPEN = "open"
    VIEW = "view"
    CREATE = "create"
    EDIT = "edit"
    PRINT = "print"
    EXPORT = "export"
    VERIFY = "verify"  # a printed or saved PDF was checked against the record
    SIGN_IN = "sign-in"
    SIGN_IN_FAILED = "failed-sign-in"
    LOCK = "lock"
    SIGN_OUT = "sign-out"
    DEVICE_SET_UP = "device-set-up"
    SYNC = "sync"
    ENROL = "enrol"
    WORKER_DISABLED = "worker-disabled"  # the server switched a worker off: wrap removed
