"""`python -m sync.server serve`: migrate once, then hand over to uvicorn."""

from __future__ import annotations

import argparse
import logging
import os

import uvicorn

from sync.server import crypto, db
from sync.server.settings import Settings

log = logging.getLogger("insideout.server")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument(
        "--requests-in-flight",
        type=int,
        help="requests each worker process works on at once (INSIDEOUT_SERVER_REQUESTS_IN_"
        "FLIGHT; default 1, right for a database on the same host; 4 to 8 for one on another "
        "host)",
    )
    parser.add_argument("--tls-cert", help="PEM certificate (with --tls-key) to serve HTTPS")
    parser.add_argument("--tls-key", help="PEM private key for --tls-cert")
    parser.add_argument(
        "--forwarded-allow-ips",
        default="127.0.0.1",
        help="proxies whose X-Forwarded-For is trusted (rate limits key on client address)",
    )
    parser.add_argument(
        "--access-log",
        action="store_true",
        help="log a line per request (off by default: a tenth of a sync request's CPU time; "
        "a proxy in front usually keeps this log already)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    if bool(args.tls_cert) != bool(args.tls_key):
        raise SystemExit("--tls-cert and --tls-key go together")
    crypto.load_master_key(settings, create=True)  # fail now, not in every worker
    engine = db.make_engine(settings.database_url)
    db.migrate(engine)
    engine.dispose()
    if not args.tls_cert:
        log.warning("serving plain HTTP: put a TLS proxy in front, or pass --tls-cert/--tls-key")
    # Worker processes rebuild the settings from the environment (app_from_env).
    os.environ.update(settings.to_env())
    uvicorn.run(
        "sync.server.app:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
        proxy_headers=True,
        # Laptops keep one connection per sync; uvicorn's 5 s default closed it under
        # load just as a request went out on it (a needless network error and retry).
        timeout_keep_alive=75,
        forwarded_allow_ips=args.forwarded_allow_ips,
        access_log=args.access_log,
        log_level="info",
    )
    return 0
