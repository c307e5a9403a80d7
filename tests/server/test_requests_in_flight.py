"""At most `limit` requests inside the app at once; the rest wait their turn, none lost."""

from __future__ import annotations

import asyncio

from sync.server.api.limits import RequestsInFlight


def test_no_more_requests_inside_than_the_limit_and_every_one_answered():
    inside, most, answered = 0, 0, []

    async def app(scope, receive, send):
        nonlocal inside, most
        inside += 1
        most = max(most, inside)
        await asyncio.sleep(0.01)  # holding "a connection" for a while
        inside -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})

    gate = RequestsInFlight(app, limit=3)

    async def request(n: int) -> None:
        async def send(message):
            answered.append(n)

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        await gate({"type": "http"}, receive, send)

    async def main() -> None:
        await asyncio.gather(*(request(n) for n in range(20)))

    asyncio.run(main())
    assert most == 3
    assert sorted(answered) == list(range(20))
