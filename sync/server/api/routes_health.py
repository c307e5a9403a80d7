"""Liveness for load balancers and IT: answers only when the database does."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from sync import protocol as p
from sync.server.api import schemas as s
from sync.server.api.deps import Db

router = APIRouter(tags=["health"])


@router.get(p.HEALTH_PATH, response_model=s.Health)
def health(db: Db) -> s.Health:
    db.execute(text("SELECT 1"))
    return s.Health(status="ok", protocol_version=p.PROTOCOL_VERSION, database="ok")
