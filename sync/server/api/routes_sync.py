"""RESERVED for the sync issue: push and pull by server-assigned cursor.

Planned shape (see ARCHITECTURE.md "Data that must never be lost"):
- POST {API_PREFIX}{SYNC_PUSH_PATH}: a batch of changes, each with its own id and content
  hash; same id + same hash is acknowledged again, same id + another hash is 409.
- GET  {API_PREFIX}{SYNC_PULL_PATH}?cursor=N&limit=M: a page of changes after cursor N,
  limited to `services.people.device_scope(device)`, and the next cursor.
Both take the DeviceCaller dependency (a revoked device gets 403 device_revoked) and a
session from deps.Db. Add the routes to `router` below; app.py already includes it.
"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["sync"])
