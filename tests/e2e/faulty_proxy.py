"""A small HTTP proxy on loopback that misbehaves on purpose, between a laptop and the server.

Each request is numbered (1, 2, ... in arrival order) and judged against a list of rules;
the first rule that matches decides its fate. Faults:

- ``drop_request``   close the connection before the server sees anything
- ``drop_response``  forward, let the server commit, then close without answering
- ``duplicate``      send the request to the server twice, answer with the second reply
- ``truncate``       answer with an honest Content-Length but only half the body (bad JSON)
- ``cut``            promise the whole body, send half, close (the client sees a short read)
- ``delay``          wait ``seconds`` before forwarding (longer than the client's timeout:
                     the server receives the request after the client has given up)
- ``busy``           answer 503 with ``Retry-After: seconds`` without forwarding
- ``stall_before`` / ``stall_after``  hold the request before forwarding / after the server
                     answered, until released: lets a test SIGKILL a client at a known point

With ``seed`` and ``rate`` the proxy also picks random faults; the choice for request n
depends only on (seed, n), so a run with one client is reproducible.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FAULTS = ("drop_request", "drop_response", "duplicate", "truncate", "cut", "delay", "busy",
          "stall_before", "stall_after")
RANDOM_FAULTS = ("drop_request", "drop_response", "duplicate", "truncate", "cut")
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "te",
               "trailer", "upgrade", "proxy-connection", "proxy-authorization"}
UPSTREAM_TIMEOUT = 60.0
STALL_LIMIT = 60.0  # a stalled request gives up by itself: a test must never hang


@dataclass
class Rule:
    """``kind`` on the matching requests whose 1-based index among matches is in ``nth``
    (every match when ``nth`` is empty). ``path`` is a substring of the request path."""

    kind: str
    path: str = ""
    method: str = ""
    nth: Sequence[int] = ()
    seconds: float = 0.0
    seen: int = 0

    def __post_init__(self) -> None:
        assert self.kind in FAULTS, self.kind

    def matches(self, method: str, path: str) -> bool:
        if (self.method and method != self.method) or self.path not in path:
            return False
        self.seen += 1
        return not self.nth or self.seen in self.nth


@dataclass
class Exchange:
    """What happened to one request, for the test to assert on."""

    n: int
    method: str
    path: str
    fault: str | None
    seconds: float = 0.0
    upstream_status: int | None = None  # None: the server never saw it
    body: bytes = b""  # the request body, so a test can see which changes were sent
    replies: list[bytes] = field(default_factory=list)  # every body the server answered

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    def reply_json(self) -> list[Any]:
        return [json.loads(reply) for reply in self.replies if reply.startswith(b"{")]


@dataclass
class FaultyProxy:
    upstream_port: int
    rules: list[Rule] = field(default_factory=list)
    seed: int | None = None
    rate: float = 0.0
    random_faults: Sequence[str] = RANDOM_FAULTS
    log: list[Exchange] = field(default_factory=list)
    stalled: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    epoch: int = 0  # faults() reports requests after this number (see new_epoch)
    abandoned: bool = False

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._inflight = 0
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.proxy = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> FaultyProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def set_rules(self, *rules: Rule) -> None:
        with self._lock:
            self.rules = list(rules)

    def clear(self) -> None:
        with self._lock:
            self.rules, self.rate = [], 0.0

    def wait_idle(self, timeout: float = 30.0) -> None:
        """Until no request is in flight (a delayed one may reach the server late)."""
        with self._idle:
            assert self._idle.wait_for(lambda: self._inflight == 0, timeout), "proxy busy"

    def new_epoch(self) -> None:
        """From now on faults() reports only later requests (one test's worth)."""
        with self._lock:
            self.epoch = len(self.log)

    def faults(self, kind: str | None = None) -> list[Exchange]:
        with self._lock:
            return [x for x in self.log[self.epoch:]
                    if x.fault and (kind is None or x.fault == kind)]

    def requests_to(self, path: str) -> list[Exchange]:
        with self._lock:
            return [x for x in self.log if path in x.path]

    def _judge(self, method: str, path: str, body: bytes) -> Exchange:
        with self._lock:
            n = len(self.log) + 1
            fault = next((r for r in self.rules if r.matches(method, path)), None)
            kind, seconds = (fault.kind, fault.seconds) if fault else (None, 0.0)
            if kind is None and self.seed is not None and self.rate > 0:
                dice = random.Random(f"{self.seed}:{n}")
                if dice.random() < self.rate:
                    kind = dice.choice(list(self.random_faults))
            exchange = Exchange(n, method, path, kind, seconds, body=body)
            self.log.append(exchange)
            return exchange

    def forward(self, exchange: Exchange, headers: dict[str, str]
                ) -> tuple[int, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.upstream_port,
                                          timeout=UPSTREAM_TIMEOUT)
        try:
            conn.request(exchange.method, exchange.path, body=exchange.body or None,
                         headers=headers)
            reply = conn.getresponse()
            status, reply_headers, body = reply.status, reply.getheaders(), reply.read()
        finally:
            conn.close()
        with self._lock:
            exchange.upstream_status = status
            exchange.replies.append(body)
        return status, reply_headers, body

    def stall(self) -> bool:
        """Hold until released; True if the held request is to be abandoned (dropped)."""
        self.stalled.set()
        self.release.wait(STALL_LIMIT)
        return self.abandoned

    def abandon(self) -> None:
        """Let held requests go, dropping them: the client they came from is dead."""
        self.abandoned = True
        self.release.set()
        self.wait_idle()
        self.stalled.clear()
        self.release.clear()
        self.abandoned = False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Any

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: pytest shows the test's own output

    def do_GET(self) -> None:
        self._proxy()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def _proxy(self) -> None:
        proxy: FaultyProxy = self.server.proxy
        with proxy._idle:
            proxy._inflight += 1
        try:
            self._handle(proxy)
        finally:
            with proxy._idle:
                proxy._inflight -= 1
                proxy._idle.notify_all()

    def _handle(self, proxy: FaultyProxy) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        exchange = proxy._judge(self.command, self.path, body)
        fault = exchange.fault
        if fault == "drop_request":
            self.close_connection = True
            return
        if fault == "busy":
            self._reply(503, [("Retry-After", str(exchange.seconds))],
                        b'{"error": "busy", "message": "try later"}')
            return
        if fault == "delay":
            time.sleep(exchange.seconds)
        if fault == "stall_before" and proxy.stall():
            self.close_connection = True
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        try:
            if fault == "duplicate":
                proxy.forward(exchange, headers)
            status, reply_headers, reply_body = proxy.forward(exchange, headers)
        except OSError:
            self.close_connection = True
            return
        if fault == "drop_response" or (fault == "stall_after" and proxy.stall()):
            self.close_connection = True
            return
        if fault == "truncate":
            self._reply(status, reply_headers, reply_body[: len(reply_body) // 2])
            self.close_connection = True
            return
        if fault == "cut":
            self._reply(status, reply_headers, reply_body, send=len(reply_body) // 2)
            self.close_connection = True
            return
        self._reply(status, reply_headers, reply_body)

    def _reply(self, status: int, headers: list[tuple[str, str]], body: bytes,
               send: int | None = None) -> None:
        try:
            self.send_response(status)
            for name, value in headers:
                if name.lower() not in _HOP_BY_HOP and name.lower() not in {"server", "date"}:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body if send is None else body[:send])
            self.wfile.flush()
        except OSError:
            self.close_connection = True  # the client went away (killed, or timed out)
