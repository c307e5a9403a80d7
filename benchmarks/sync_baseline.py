"""The baseline our sync server is compared with: one bulk POST inserted by one COPY, and
one bulk GET, with no idempotency, merging, scope or cursor at all.

Run as its own uvicorn process, like the real server, so both pay the same HTTP and JSON
costs: `python -m benchmarks.sync_baseline --port N --dsn postgresql://...`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import uvicorn
from sqlalchemy.engine import make_url
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from benchmarks import sync_server as srv

PATH = "/bulk"
_COLUMNS = "change_id, table_name, row_id, person_id, revision_id, hlc, fields"


def create_app(dsn: str) -> Starlette:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bulk_rows (seq bigserial PRIMARY KEY, "
                     "change_id text UNIQUE, table_name text, row_id text, person_id text, "
                     "revision_id text, hlc text, fields text)")

    async def health(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def post(request: Request) -> Response:
        changes = json.loads(await request.body())["changes"]
        with psycopg.connect(dsn) as conn, conn.cursor() as cursor, \
                cursor.copy(f"COPY bulk_rows ({_COLUMNS}) FROM STDIN") as copy:
            for c in changes:
                copy.write_row((c["change_id"], c["table"], c["row_id"], c["person_id"],
                                c["revision_id"], c["hlc"], json.dumps(c["fields"])))
        return JSONResponse({"inserted": len(changes)})

    async def get(_request: Request) -> Response:
        with psycopg.connect(dsn) as conn:
            rows = conn.execute(f"SELECT seq, {_COLUMNS} FROM bulk_rows ORDER BY seq").fetchall()
        keys = ("seq", "change_id", "table", "row_id", "person_id", "revision_id", "hlc")
        return JSONResponse({"rows": [{**dict(zip(keys, row[:7], strict=True)),
                                       "fields": json.loads(row[7])} for row in rows]})

    return Starlette(routes=[Route("/health", health), Route(PATH, post, methods=["POST"]),
                             Route(PATH, get, methods=["GET"])])


@contextmanager
def baseline_server(database_url: str) -> Iterator[str]:
    """Start the baseline on a free loopback port; yields its base URL, stops it after."""
    dsn = make_url(database_url).set(drivername="postgresql").render_as_string(
        hide_password=False)
    port = srv.free_port()
    with tempfile.TemporaryFile(prefix="insideout-bench-baseline-") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.sync_baseline", "--port", str(port),
             "--dsn", dsn], stdout=log, stderr=subprocess.STDOUT, cwd=srv.ROOT)
        try:
            url = f"http://127.0.0.1:{port}"
            srv.wait_healthy(url, proc, "/health")
            yield url
        finally:
            srv.stop(proc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dsn", required=True)
    args = parser.parse_args()
    uvicorn.run(create_app(args.dsn), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
