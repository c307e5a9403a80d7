"""The key the evaluator's pseudonyms are made with: random, made once, sealed at rest.

The same key every quarter gives each person one pseudonym over time (the evaluator can
follow them); another server (another database, another master key) has another key, so
its pseudonyms differ. The key is wrapped under a key derived from the master key, bound
to its row: a database backup alone cannot make or reverse a pseudonym.
"""

from __future__ import annotations

import secrets

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync.server import crypto, db
from sync.server.models import ReportKey

PSEUDONYM_KEY_ID = "pseudonym"
_WRAP_LABEL = "insideout report key wrap v1"


def pseudonym_key(session: Session) -> bytes:
    """The server's pseudonym key, made on first use; concurrent first uses agree on one
    (the row's primary key lets one insert win; the others read the winner's)."""
    wrap = crypto.derive_key(db.master_key_of(session), _WRAP_LABEL)
    row = session.get(ReportKey, PSEUDONYM_KEY_ID)
    if row is None:
        nonce, sealed = crypto.seal(wrap, secrets.token_bytes(crypto.KEY_BYTES),
                                    context=_context(PSEUDONYM_KEY_ID))
        try:
            with session.begin_nested():
                session.add(ReportKey(id=PSEUDONYM_KEY_ID, nonce=nonce, sealed=sealed))
        except IntegrityError:
            pass  # another process made it first: use theirs
        row = session.get(ReportKey, PSEUDONYM_KEY_ID, populate_existing=True)
        assert row is not None
    return crypto.unseal(wrap, row.nonce, row.sealed, context=_context(row.id))


def _context(key_id: str) -> str:
    return f"report-key\x1f{key_id}"  # a sealed key moved to another row fails to open
