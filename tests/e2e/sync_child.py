"""A laptop in its own process: open its encrypted store, run sync_now, report, exit.

    python -m tests.e2e.sync_child DATA_DIR USERNAME SERVER_URL [--batch N] [--page N]
        < passphrase

The kill tests SIGKILL this process at known points and start it again on the same data
directory. It prints READY once the store is open (so a kill lands in the sync, not in
start-up) and, on success, one JSON line with the sync report. Batch and page sizes are
set here, not taken from the engine's defaults, so the tests know how many requests a
sync makes whatever those defaults become.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from pathlib import Path

import main
from app.config import resolve_paths
from app.services import sync as sync_service
from app.store.keys import KdfParams
from app.store.sync.models import SyncState
from sync.client.engine import SyncEngine
from sync.client.transport import HttpTransport


def main_(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("username")
    parser.add_argument("server_url")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--page", type=int, default=20)
    args = parser.parse_args(argv)
    passphrase = sys.stdin.readline().rstrip("\n")
    device = main.build_device_service(resolve_paths(args.data_dir),
                                       kdf=KdfParams.fast_for_tests())
    session = device.sign_in(username=args.username, passphrase=passphrase)
    with session.transaction() as db:
        token = db.get_one(SyncState, "device_token").value
    transport = HttpTransport(args.server_url, token, timeout=(5.0, 30.0), attempts=3,
                              sleep=lambda s: time.sleep(min(s, 0.05)))
    # sync_now builds its engine from this module attribute: the only seam for the sizes.
    sync_service.SyncEngine = functools.partial(  # type: ignore[misc]
        SyncEngine, batch=args.batch, page=args.page)
    print("READY", flush=True)
    report = sync_service.sync_now(session=session, transport=transport)
    session.close()
    print(json.dumps({"pushed": report.pushed, "pulled": report.pulled,
                      "refused": report.refused}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main_(sys.argv[1:]))
