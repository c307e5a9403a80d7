"""Unsaved form content, kept encrypted in the store across a lock or a crash."""

from __future__ import annotations

from app.services.session import WorkerSession
from app.store.repositories import DraftRepository


def save_drafts(*, session: WorkerSession, drafts: dict[str, dict[str, object]]) -> int:
    """Replace the worker's drafts with every open form's content; returns how many."""
    with session.transaction() as db:
        repo = DraftRepository(db, session.worker.id)
        for key in set(repo.all()) - set(drafts):
            repo.discard(key)
        for key, payload in drafts.items():
            repo.save(key, payload)
    return len(drafts)


def load_drafts(*, session: WorkerSession) -> dict[str, dict[str, object]]:
    with session.transaction() as db:
        return DraftRepository(db, session.worker.id).all()


def discard_draft(*, session: WorkerSession, key: str) -> None:
    """Called when the form's content is saved for real or cancelled on purpose."""
    with session.transaction() as db:
        DraftRepository(db, session.worker.id).discard(key)
