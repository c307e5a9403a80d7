"""`python -m sync.server serve`: migrate once, then hand over to uvicorn."""

from __future__ import annotations

import argparse
import dataclasses
import ipaddress
import logging
import os
import sys

import uvicorn
from sqlalchemy import Engine

from sync.server import crypto, db
from sync.server.services import audit, escrow
from sync.server.services.seal_existing import seal_existing
from sync.server.settings import KEY_RELEASE_ENV, KEY_RELEASE_POLICIES, Settings

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
    parser.add_argument(
        "--key-release",
        choices=KEY_RELEASE_POLICIES,
        help="what a worker new to a laptop needs before being given its key: approval "
        "(the default: their team lead's or IT's, for that laptop) or notify (only their "
        "password, the lead told afterwards: a stolen laptop and any teammate's password "
        f"then open it). {KEY_RELEASE_ENV}; `admin key-release` shows the one in force",
    )
    parser.add_argument("--tls-cert", help="PEM certificate (with --tls-key) to serve HTTPS")
    parser.add_argument("--tls-key", help="PEM private key for --tls-cert")
    parser.add_argument(
        "--behind-tls-proxy",
        action="store_true",
        help="plain HTTP on a non-loopback address is allowed because a TLS-terminating "
        "proxy in front takes every laptop's connection (without this, or --tls-cert, "
        "serve refuses to listen beyond this machine)",
    )
    parser.add_argument(
        "--forwarded-allow-ips",
        default=None,
        help="comma-separated addresses of your proxies, whose X-Forwarded-For is trusted "
        "(rate limits key on the client address). Default: none, the header is ignored",
    )
    parser.add_argument(
        "--access-log",
        action="store_true",
        help="log a line per request (off by default: a tenth of a sync request's CPU time; "
        "a proxy in front usually keeps this log already)",
    )


PLAIN_HTTP_REFUSED = (
    "insideout-server: refusing to serve plain HTTP on {host}: laptops send passwords, "
    "device tokens and store keys, which anyone on the network could read. Serve HTTPS with "
    "--tls-cert and --tls-key, or, if a TLS-terminating proxy in front takes every "
    "connection, pass --behind-tls-proxy (and --forwarded-allow-ips with the proxy's "
    "address). Plain HTTP is allowed on 127.0.0.1 for local trials."
)


def is_loopback_host(host: str) -> bool:
    """Listening only here (127.0.0.0/8, ::1, localhost): plain HTTP never leaves the machine.
    The client keeps its own copy of this rule (sync/client/urls.py): they share no code."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # 0.0.0.0, ::, or a name that may resolve to any interface


def plain_http_problem(args: argparse.Namespace) -> str | None:
    """Why `serve` must not start as asked, or None."""
    if args.tls_cert or args.behind_tls_proxy or is_loopback_host(args.host):
        return None
    return PLAIN_HTTP_REFUSED.format(host=args.host)


def _seal_what_came_before(engine: Engine, key: bytes) -> None:
    """Migrations run without the master key. What a database held before this version
    (record text in clear, audit events outside the keyed chain) is sealed and chained
    here, with the key, before any worker process serves."""
    sessions = db.session_factory(engine, master_key=key)
    with sessions() as session:
        sealed = seal_existing(session)  # commits in batches
    if any(sealed.values()):
        log.info("sealed what this database held in clear: %s", sealed)
    with sessions.begin() as session:
        audit.seal_unkeyed_events(session, actor="server")


def _record_key_release(engine: Engine, key: bytes, policy: str) -> None:
    """The policy goes in the audit log when it changes (`admin key-release` reads it)."""
    with db.session_factory(engine, master_key=key).begin() as session:
        if escrow.record_policy(session, policy, actor="server"):
            log.info("key release policy: %s", policy)
    if policy == "notify":
        log.warning("--key-release notify: a worker new to a laptop is given its key with "
                    "their password alone; a stolen laptop and any teammate's password open "
                    "it (docs/SERVER.md)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if bool(args.tls_cert) != bool(args.tls_key):
        raise SystemExit("--tls-cert and --tls-key go together")
    problem = plain_http_problem(args)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    if getattr(args, "key_release", None):  # the flag wins over the environment
        settings = dataclasses.replace(settings, key_release=args.key_release)
    key = crypto.load_master_key(settings, create=True)  # fail now, not in every worker
    engine = db.make_engine(settings.database_url)
    db.migrate(engine)
    _seal_what_came_before(engine, key)
    _record_key_release(engine, key, settings.key_release)
    engine.dispose()
    _warn_about_proxies(args)
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
        # X-Forwarded-For only from proxies IT names. Trusted from 127.0.0.1 by default (as
        # uvicorn does), any process on this host, or any client through a local proxy,
        # could rotate it past the per-address sign-in limit.
        proxy_headers=bool(args.forwarded_allow_ips),
        # Laptops keep one connection per sync; uvicorn's 5 s default closed it under
        # load just as a request went out on it (a needless network error and retry).
        timeout_keep_alive=75,
        forwarded_allow_ips=args.forwarded_allow_ips,
        access_log=args.access_log,
        log_level="info",
    )
    return 0


def _warn_about_proxies(args: argparse.Namespace) -> None:
    if args.behind_tls_proxy and not args.forwarded_allow_ips:
        log.warning("--behind-tls-proxy without --forwarded-allow-ips: every laptop looks like "
                    "the proxy and they share one sign-in rate limit")
    elif not args.tls_cert and not args.behind_tls_proxy:
        log.warning("serving plain HTTP on %s: for this machine only", args.host)
