"""The FastAPI app factory. Nothing is built at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from sync import protocol as p
from sync.server import console, crypto, db
from sync.server.api import (
    errors,
    routes_auth,
    routes_certs,
    routes_devices,
    routes_health,
    routes_people,
    routes_sync,
    routes_team,
)
from sync.server.api.limits import BodySizeLimit, RequestsInFlight
from sync.server.api.schemas import COMMON_RESPONSES
from sync.server.settings import Settings
from sync.server.storage.feed_cache import FeedCache


def create_app(
    settings: Settings,
    *,
    sessions: sessionmaker[Session] | None = None,
    master_key: bytes | None = None,
) -> FastAPI:
    """Build the app. Tests pass `sessions` bound to a rolled-back connection.

    The schema must already be at head (`serve` migrates before it starts workers);
    every piece of state lives in the database, so any number of processes can serve.
    """
    if sessions is None:
        sessions = db.session_factory(db.make_engine(settings.database_url))
    app = FastAPI(
        lifespan=_lifespan,
        title="InsideOut central server",
        version=f"protocol {p.PROTOCOL_VERSION}",
        openapi_url=f"{p.API_PREFIX}/openapi.json",
        docs_url=f"{p.API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.sessions = sessions
    app.state.master_key = master_key or crypto.load_master_key(settings, create=False)
    db.with_master_key(sessions, app.state.master_key)
    app.state.hasher = crypto.password_hasher(settings)
    app.state.feed_cache = FeedCache()  # per process: each worker keeps its own
    errors.install(app)
    for module in (
        routes_health,
        routes_devices,
        routes_auth,
        routes_people,
        routes_team,
        routes_sync,
        routes_certs,  # device signing certificates from the organisation CA
    ):
        app.include_router(module.router, prefix=p.API_PREFIX, responses=COMMON_RESPONSES)
    console.mount(app)  # the web console at /console/ (docs/CONSOLE.md), not in the OpenAPI
    routes_sync.install(app)  # push and pull as plain routes, in front (see there why)
    # Inside the body limit, which reads the whole body first: a slow upload waits
    # outside the gate instead of keeping a place in it.
    app.add_middleware(RequestsInFlight, limit=settings.requests_in_flight,
                       exempt=frozenset({p.API_PREFIX + p.HEALTH_PATH}))
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app


# Requests run in a thread pool and each holds a database connection while it works.
# More threads than connections lets threads wait on connections held by requests that
# in turn wait on a thread: a stall until the pool times out. Keep threads below the
# pool, and requests admitted at once (RequestsInFlight, Settings.requests_in_flight)
# at most the pool's steady size (settings.MAX_REQUESTS_IN_FLIGHT).
REQUEST_THREADS = 24


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    anyio.to_thread.current_default_thread_limiter().total_tokens = REQUEST_THREADS
    yield


def app_from_env() -> FastAPI:
    """Entry for uvicorn worker processes (`factory=True`): settings from the environment."""
    return create_app(Settings.from_env())
