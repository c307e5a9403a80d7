"""A minimal HTTP/1.1 keep-alive client on asyncio streams, for the 100-device load.

The load generator shares the machine's two cores with the server and PostgreSQL. httpx
spent about 9 ms of CPU per request here (6 of the 9 s a run took, most of a core), so
the server's latency figure measured the client as much as the server. This speaks just
enough HTTP for our own server: one connection per simulated device, as a laptop keeps,
Content-Length bodies (uvicorn sends no chunked replies for our endpoints).
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode, urlsplit


class HttpError(Exception):
    """The connection failed or the reply could not be read."""


class Connection:
    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        parts = urlsplit(base_url)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self._fixed = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self._fixed += f"Host: {self._host}:{self._port}\r\n"
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, *, body: bytes = b"",
                      params: dict[str, object] | None = None) -> tuple[int, bytes]:
        target = f"{path}?{urlencode(params)}" if params else path
        head = (f"{method} {target} HTTP/1.1\r\n{self._fixed}"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
        try:
            reader, writer = await self._open()
            writer.write(head.encode() + body)
            return await _read_reply(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            await self.close()
            raise HttpError(f"{type(error).__name__}: {error}") from error

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._reader is None or self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self._host, self._port)
        return self._reader, self._writer

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None


async def _read_reply(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    return status, await reader.readexactly(length)
