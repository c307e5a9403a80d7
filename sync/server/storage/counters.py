"""The two counters that only grow: the feed's seq and the scope version.

Each is bumped by an UPDATE ... RETURNING on its one row, so the row stays locked until
the transaction commits: numbers are handed out in commit order, and a reader that has
seen number n can count on every number up to n being committed.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from sync.server.models import SyncCounter
from sync.server.models.sync import FEED_COUNTER, SCOPE_COUNTER


def take_seqs(session: Session, count: int) -> int:
    """Reserve `count` seqs; returns the first. Holds the counter's lock until commit."""
    last = session.execute(update(SyncCounter).where(SyncCounter.id == FEED_COUNTER)
                           .values(value=SyncCounter.value + count)
                           .returning(SyncCounter.value)).scalar_one()
    return last - count + 1


def next_scope_version(session: Session) -> int:
    """The next scope version; the counter stays locked until commit."""
    return session.execute(
        update(SyncCounter).where(SyncCounter.id == SCOPE_COUNTER)
        .values(value=SyncCounter.value + 1).returning(SyncCounter.value)).scalar_one()
