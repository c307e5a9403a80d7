"""Sync endpoints: push a batch of changes, pull pages after a server-assigned cursor.

Both need only the device credential: a background sync runs while a worker may be
signed out, and each change already names the worker who made it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool

from sync import protocol as p
from sync.server.api import sync_wire
from sync.server.api.deps import BearerToken, as_device
from sync.server.api.sync_schemas import PullResponse, PushRequest, PushResponse, inline_schema
from sync.server.services import sync_pull, sync_push

router = APIRouter(tags=["sync"])


async def _changes(request: Request) -> list[p.Change]:
    """The push body, decoded and checked by msgspec (see sync_wire for why)."""
    try:
        return sync_wire.decode_push(await request.body())
    except sync_wire.BadBody as bad:  # the same 422 body every other route gives
        raise RequestValidationError([{"loc": ("body", *bad.field.split(".")),
                                       "msg": bad.problem, "type": "value_error"}]) from None


@router.post(p.SYNC_PUSH_PATH, response_model=PushResponse, openapi_extra={"requestBody": {
    "required": True, "content": {"application/json": {"schema": inline_schema(PushRequest)}}}})
async def push(request: Request, changes: Annotated[list[p.Change], Depends(_changes)],
               credentials: BearerToken) -> Response:
    """Each change is judged on its own: one refused change never blocks the others.
    A replayed change is acknowledged again; a reused id with new content is a 409."""
    result = await run_in_threadpool(
        as_device, request, credentials,
        lambda session, device: sync_push.push(session, device, changes))
    return Response(sync_wire.encode(result), media_type="application/json")


@router.get(p.SYNC_PULL_PATH, response_model=PullResponse)
async def pull(request: Request, credentials: BearerToken,
               cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
               limit: Annotated[int, Query(ge=1, le=p.MAX_PULL_PAGE)] = 500,
               check_scope: bool = True,
               scope_seen: Annotated[int | None, Query(ge=0, le=2**62)] = None) -> Response:
    """A page after `cursor`. Send check_scope=false on a cycle's later pages: fetched or
    moved people (backfill, eviction) are looked for on the first page only. Send back
    as `scope_seen` the last `scope_version` this device saved with a page: a page sent
    but never applied (lost reply, crash) is then looked at again, not skipped."""
    # as_device commits the scope version this page records before the reply goes out.
    cache = request.app.state.feed_cache
    body = await run_in_threadpool(
        as_device, request, credentials, lambda session, device: sync_pull.pull(
            session, device, cursor, limit, check_scope, scope_seen, cache).as_json())
    return Response(body, media_type="application/json")
