"""Growing delay after wrong passphrases, kept on disk so a restart does not reset it.

The file holds counts and times, no secrets. Deleting it resets the delay, which is why
it is a speed bump and Argon2id is the wall: each guess costs a full key derivation.
Failed attempts are also replayed into the audit trail at the next successful sign-in,
because the database is locked while they happen.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from app.store.files import write_atomically

FREE_ATTEMPTS = 3
MAX_DELAY_SECONDS = 300.0


@dataclass
class _Record:
    failures: int = 0
    locked_until: float = 0.0
    failed_at: list[float] = field(default_factory=list)


def delay_after(failures: int) -> float:
    """0 s for the first few mistakes, then 2, 4, 8 ... seconds, capped at 5 minutes."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    return min(2.0 ** (failures - FREE_ATTEMPTS + 1), MAX_DELAY_SECONDS)


class SignInThrottle:
    def __init__(self, path: Path, now: Callable[[], float] = time.time) -> None:
        self._path = path
        self._now = now

    def seconds_to_wait(self, username: str) -> float:
        record = self._load().get(username.lower())
        if record is None:
            return 0.0
        return max(0.0, record.locked_until - self._now())

    def record_failure(self, username: str) -> float:
        """Count one wrong attempt; returns the delay now imposed."""
        records = self._load()
        record = records.setdefault(username.lower(), _Record())
        now = self._now()
        record.failures += 1
        record.failed_at = [*record.failed_at[-49:], now]
        record.locked_until = now + delay_after(record.failures)
        self._save(records)
        return delay_after(record.failures)

    def record_success(self, username: str) -> list[float]:
        """Clear the count; return the times of failures to put in the audit trail."""
        records = self._load()
        record = records.pop(username.lower(), None)
        if record is not None:
            self._save(records)
        return record.failed_at if record else []

    def _load(self) -> dict[str, _Record]:
        if not self._path.exists():
            return {}
        try:
            raw = json.loads(self._path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            # A damaged file resets the delay rather than locking a custody suite out of
            # its only laptop; the Argon2id cost per guess is unaffected.
            return {}
        return {name: _Record(**item) for name, item in raw.items()}

    def _save(self, records: dict[str, _Record]) -> None:
        data = {name: asdict(rec) for name, rec in records.items()}
        write_atomically(self._path, json.dumps(data).encode())
