"""Sync endpoints: push a batch of changes, pull pages after a server-assigned cursor.

Both need only the device credential: a background sync runs while a worker may be
signed out, and each change already names the worker who made it.

Every laptop calls these every cycle, most often for an empty page. They are served by
plain Starlette routes placed in front of FastAPI's (`install`): FastAPI's per-request
dependency solving and parameter validation were a fifth of an empty pull's server
time. The FastAPI declarations further down describe the
same endpoints, with the same limits, in the OpenAPI document, and hand any request
that reaches them to the same plain endpoints. Errors still leave through the app's
exception handlers (errors.py), in the shape every other route gives.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.routing import Route

from sync import protocol as p
from sync.server.api import sync_wire
from sync.server.api.deps import BearerToken, as_device
from sync.server.services import sync_pull, sync_push
from sync.server.services.auth import SyncDevice

T = TypeVar("T")
MAX_CURSOR = 2**62
_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})  # what FastAPI's bool takes
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


def install(app: FastAPI) -> None:
    """Serve push and pull by the plain endpoints, ahead of every other route."""
    app.router.routes[:0] = [
        Route(p.API_PREFIX + p.SYNC_PUSH_PATH, push_endpoint, methods=["POST"]),
        Route(p.API_PREFIX + p.SYNC_PULL_PATH, pull_endpoint, methods=["GET"]),
    ]


async def push_endpoint(request: Request) -> Response:
    """Each change is judged on its own: one refused change never blocks the others.
    A replayed change is acknowledged again; a reused id with new content is a 409."""
    body = await request.body()
    cache = request.app.state.feed_cache  # given the pushed rows' text as they commit

    def work(session: Session, device: SyncDevice) -> p.PushResponse:
        # Decoded once the caller is known: a stranger gets 401 whatever they sent.
        try:  # msgspec decodes and checks the body (see sync_wire for why)
            changes, credentials = sync_wire.decode_push_request(body)
        except sync_wire.BadBody as bad:
            raise _invalid(("body", *bad.field.split(".")), bad.problem) from None
        return sync_push.push(session, device, changes, credentials, cache)

    result = await _database_work(request, _bearer_token(request), work)
    return Response(sync_wire.encode(result), media_type="application/json")


async def pull_endpoint(request: Request) -> Response:
    """A page after `cursor`. Send check_scope=false on a cycle's later pages: fetched or
    moved people (backfill, eviction) are looked for on the first page only. Send back
    as `scope_seen` the last `scope_version` this device saved with a page: a page sent
    but never applied (lost reply, crash) is then looked at again, not skipped."""
    query = request.query_params
    cursor = _whole_number(query, "cursor", 0, MAX_CURSOR, default=0)
    limit = _whole_number(query, "limit", 1, p.MAX_PULL_PAGE, default=500)
    check_scope = _yes_or_no(query, "check_scope", default=True)
    scope_seen = _whole_number(query, "scope_seen", 0, MAX_CURSOR, default=None)
    cache = request.app.state.feed_cache
    # A pull's statements each stand alone (sync_pull.pull): each commits as it runs,
    # which saves a pull two of its four waits on PostgreSQL (BEGIN and COMMIT). The
    # scope version the page records is its last statement, committed before the reply.
    body = await _database_work(
        request, _bearer_token(request), lambda session, device: sync_pull.pull(
            session, device, cursor, limit, check_scope, scope_seen, cache).as_json(),
        statement_by_statement=True)
    return Response(body, media_type="application/json")


async def _database_work(request: Request, token: str | None,
                         work: Callable[[Session, SyncDevice], T], **options: bool) -> T:
    """`as_device(...)`: in the event loop's own thread when this process works on one
    request at a time (Settings.requests_in_flight), where a worker thread would overlap
    with nothing and the hand-over to it and back is pure cost: a sixth of the server's
    CPU per request with a hundred devices at once. With
    more at once, in the thread pool, so that one request's waits on the database leave
    the loop free for the others."""
    if request.app.state.settings.requests_in_flight == 1:
        return as_device(request, token, work, **options)
    return await run_in_threadpool(lambda: as_device(request, token, work, **options))


def _bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer ...` header, as FastAPI's HTTPBearer reads it."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return token


def _whole_number(query: QueryParams, name: str, low: int, high: int, *,
                  default: int | None) -> int | None:
    text = query.get(name)
    if text is None:
        return default
    if not (text.isascii() and text.isdigit() and len(text) <= 19):
        raise _invalid(("query", name), "Input should be a valid integer")
    value = int(text)
    if not low <= value <= high:
        raise _invalid(("query", name), f"Input should be between {low} and {high}")
    return value


def _yes_or_no(query: QueryParams, name: str, *, default: bool) -> bool:
    text = query.get(name)
    if text is None:
        return default
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    raise _invalid(("query", name), "Input should be a valid boolean")


def _invalid(where: tuple[str, ...], problem: str) -> RequestValidationError:
    """The same 422 body FastAPI's own validation gives (errors.py shapes it)."""
    return RequestValidationError([{"loc": where, "msg": problem, "type": "value_error"}])


# --- The OpenAPI description of the two endpoints (served by the plain routes above).

router = APIRouter(tags=["sync"])


def _json(shape: Any) -> dict[str, Any]:
    """A JSON body described by what sync_wire decodes or the protocol's shape of it."""
    return {"content": {"application/json": {"schema": sync_wire.openapi_schema(shape)}}}


@router.post(p.SYNC_PUSH_PATH, description=push_endpoint.__doc__,
             responses={200: _json(p.PushResponse)},
             openapi_extra={"requestBody": {"required": True, **_json(sync_wire.PushRequest)}})
async def push(request: Request, _credentials: BearerToken) -> Response:
    return await push_endpoint(request)


@router.get(p.SYNC_PULL_PATH, description=pull_endpoint.__doc__,
            responses={200: _json(p.PullResponse)})
async def pull(request: Request, _credentials: BearerToken,
               cursor: Annotated[int, Query(ge=0, le=MAX_CURSOR)] = 0,
               limit: Annotated[int, Query(ge=1, le=p.MAX_PULL_PAGE)] = 500,
               check_scope: bool = True,
               scope_seen: Annotated[int | None, Query(ge=0, le=MAX_CURSOR)] = None) -> Response:
    return await pull_endpoint(request)
