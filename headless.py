"""The headless commands IT staff use to enrol a laptop and sync it (`main.py enrol|sync`).

Passwords are read from a prompt, or from the first line of stdin with --password-stdin,
never from the command line where other users could see them in the process list.
"""

from __future__ import annotations

import argparse
import getpass
import socket
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.device import DeviceService


def add_commands(commands: argparse._SubParsersAction) -> None:
    enrol = commands.add_parser("enrol", help="join this laptop to the organisation's server")
    enrol.add_argument("--server", required=True, help="server address, e.g. https://sync.example")
    enrol.add_argument("--code", required=True, help="one-time enrolment code from IT")
    enrol.add_argument("--username", required=True, help="the worker's server username")
    enrol.add_argument("--device-name", default=socket.gethostname(),
                       help="how the laptop appears in the device list")
    enrol.add_argument("--password-stdin", action="store_true",
                       help="read the password from the first line of stdin")
    run = commands.add_parser("sync", help="sync this laptop with the server now")
    run.add_argument("--username", required=True)
    run.add_argument("--password-stdin", action="store_true",
                     help="read the passphrase from the first line of stdin")


def _secret(args: argparse.Namespace, prompt: str) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return getpass.getpass(prompt)


def enrol(device: DeviceService, args: argparse.Namespace) -> int:
    from app.services.errors import ServiceError

    try:
        session = device.enrol(server_url=args.server, code=args.code,
                               device_name=args.device_name, username=args.username,
                               password=_secret(args, "Server password: "))
    except (ServiceError, FileExistsError) as error:
        print(f"enrol failed: {error}", file=sys.stderr)
        return 2
    print(f"enrolled with {args.server} as {session.worker.full_name}; the store key is "
          "escrowed with the server")
    session.close()
    return 0


def sync(device: DeviceService, args: argparse.Namespace) -> int:
    from app.services.conflicts import count_not_stored
    from app.services.errors import ServiceError
    from app.services.sync import SyncError, is_enrolled, sync_now
    from sync.client.urls import InsecureServerAddress

    try:
        session = device.sign_in(username=args.username,
                                 passphrase=_secret(args, "Passphrase: "), credential_now=True)
    except ServiceError as error:
        print(f"sync failed: {error}", file=sys.stderr)
        return 2
    try:
        if not is_enrolled(session=session):
            print("sync failed: this laptop is standalone; enrol it first", file=sys.stderr)
            return 2
        report = sync_now(session=session)
        not_stored = count_not_stored(session=session)
    except InsecureServerAddress as error:  # enrolled over http:// before that was refused
        print(f"sync failed: {error}", file=sys.stderr)
        return 2
    except SyncError as error:
        print(f"sync failed: {error}", file=sys.stderr)
        return 3
    finally:
        session.close()
    print(f"sync done: {report.pushed} sent, {report.pulled} received, "
          f"{len(report.refused)} refused, {report.conflicts} new conflict(s)")
    for message in report.refused:
        print(f"  refused: {message}")
    for message in report.waiting:  # kept on the laptop, sent by a later sync
        print(f"  waiting: {message}")
    if not_stored:  # set aside, not lost: the sync itself went through (exit 0)
        print(f"  {not_stored} received but not stored on this laptop: kept, and tried again "
              "after the next app update (see Tools > Conflicts and sync problems)")
    return 0
