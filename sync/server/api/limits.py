"""Request body size and requests-in-flight limits, as plain ASGI middleware that runs
before any parsing."""

from __future__ import annotations

import asyncio
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync import protocol as p


class BodySizeLimit:
    """Refuse bodies over `max_bytes` with 413, whether or not Content-Length is honest.

    The body is buffered (it is at most `max_bytes`) and replayed to the app, so the
    app never sees a truncated request.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # client went away; let the app see the disconnect
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await self._too_large(send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        await self.app(scope, self._replay(b"".join(chunks), receive), send)

    @staticmethod
    def _replay(body: bytes, receive: Receive) -> Receive:
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return replay

    async def _too_large(self, send: Send) -> None:
        body = json.dumps(
            {
                "error": p.ERR_BODY_TOO_LARGE,
                "message": f"request body is larger than {self.max_bytes} bytes",
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class RequestsInFlight:
    """At most `limit` requests of this process inside the app at once; the rest wait
    here, in the event loop, holding neither a thread nor a database connection.

    A request takes a connection in one thread (resolving who is calling), gives the
    thread back, and needs another thread for the endpoint and another to close its
    session. With more requests in flight than connections, every thread can end up
    waiting for a connection that a request waiting for a thread holds: nothing moves
    until the pool times out (seen as 10 s stalls and 500s with 100 devices at once).
    Admitting no more requests than there are connections and threads makes that
    impossible.

    `exempt` paths skip the queue: the health check, which a load balancer reads to decide
    whether this process is alive, must not wait behind every sync in the queue."""

    def __init__(self, app: ASGIApp, *, limit: int, exempt: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.limit = limit
        self.exempt = exempt
        self._gate: asyncio.Semaphore | None = None  # made in the serving event loop

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in self.exempt:
            await self.app(scope, receive, send)
            return
        if self._gate is None:
            self._gate = asyncio.Semaphore(self.limit)
        async with self._gate:
            await self.app(scope, receive, send)
