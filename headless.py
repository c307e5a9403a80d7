"""Every headless command, in one place: self-test, paths, enrol, sync and verify.

`main.py` builds the objects and dispatches here; these commands only parse, ask, call
services and print. Passwords are read from a prompt, or from the first line of stdin
with --password-stdin, never from the command line where other users could see them in
the process list.
"""

from __future__ import annotations

import argparse
import getpass
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app.config import RESOURCES_DIR, Paths

if TYPE_CHECKING:
    from app.services.device import DeviceService
    from app.services.selftest import Check
    from app.services.session import WorkerSession

SignIn = Callable[..., "WorkerSession"]  # the composition root's DeviceService.sign_in

# What enrol and sync end with (enrol and sync return 0, 2 and 3 themselves).
EXIT_CANNOT_START = 2
EXIT_SYNC_FAILED = 3
EXIT_UNEXPECTED = 4
EXIT_INTERRUPTED = 130  # the shell's own code for Ctrl+C
EXIT_CODES = f"""\
exit codes of enrol and sync:
  0    done. Changes the server would not take, and rows received that this
       laptop could not store, are kept on the laptop and listed: they do not
       fail the sync (see Tools > Conflicts and sync problems in the app)
  {EXIT_CANNOT_START}    could not start: wrong username or passphrase, laptop not enrolled,
       enrolment refused, or an unsafe server address
  {EXIT_SYNC_FAILED}    the server could not be reached or refused; nothing is lost, the
       next sync carries on from where this one stopped
  {EXIT_UNEXPECTED}    unexpected error: one line here, the details in the data folder's
       logs/headless.log; nothing is lost
  {EXIT_INTERRUPTED}  interrupted (Ctrl+C); nothing is lost
"""


def add_commands(commands: argparse._SubParsersAction) -> None:
    commands.add_parser("self-test", help="check the encrypted store works on this machine")
    commands.add_parser("paths", help="print where this device keeps its files")
    _add_enrol_and_sync(commands)
    _add_verify(commands)


def _add_enrol_and_sync(commands: argparse._SubParsersAction) -> None:
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


def _add_verify(commands: argparse._SubParsersAction) -> None:
    """`verify plan.pdf` says whether a signed PDF is intact, whose, and current."""
    verify = commands.add_parser("verify", help="check a signed care plan PDF is intact, "
                                 "whose record and version it is, and if it is current")
    verify.add_argument("pdf", help="the PDF file to check")
    verify.add_argument("--username", help="sign in as this worker to check trust and "
                        "whether it is the current version (asks for the passphrase)")
    verify.add_argument("--password-stdin", action="store_true",
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


def verify(sign_in: SignIn, args: argparse.Namespace) -> int:
    """Exit 0 intact, 1 not intact or not trusted, 2 cannot read or sign in."""
    from app.services.errors import ServiceError
    from app.services.printing import verify_pdf

    try:
        data = Path(args.pdf).read_bytes()
    except OSError as error:
        print(f"verify: cannot read {args.pdf}: {error}", file=sys.stderr)
        return 2
    session = None
    if args.username:
        try:
            session = sign_in(username=args.username,
                              passphrase=_secret(args, "Passphrase: "))
        except ServiceError as error:
            print(f"verify: {error}", file=sys.stderr)
            return 2
    try:
        result = verify_pdf(data=data, session=session)
    finally:
        if session is not None:
            session.close()
    print("\n".join(result.lines()))
    intact = result.check.signed and result.check.intact
    return 0 if (result.ok if session is not None else intact) else 1


def self_test() -> int:
    from app.services.reference import ReferenceData
    from app.services.selftest import run_self_test

    def show(check: Check) -> None:
        mark = "ok  " if check.ok else "FAIL"
        print(f"[{mark}] {check.name} {check.detail}".rstrip())

    checks = run_self_test(ReferenceData.load(RESOURCES_DIR), show)
    failed = [c for c in checks if not c.ok]
    print("self-test passed" if not failed else f"self-test FAILED: {len(failed)} check(s)")
    return 1 if failed else 0


def show_paths(paths: Paths) -> int:
    print(f"data folder: {paths.data_dir}\ndatabase:    {paths.database}")
    return 0


def run_logged(paths: Paths, args: argparse.Namespace,
               device: Callable[[], DeviceService]) -> int:
    """enrol and sync run from scripts and schedulers: they end with a code from
    EXIT_CODES and one line on stderr, never a traceback (that goes to the log)."""
    try:
        command = enrol if args.command == "enrol" else sync
        return int(command(device(), args))
    except KeyboardInterrupt:
        print(f"{args.command} stopped: interrupted; nothing is lost", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # the one place every failure ends up
        log = _log_unexpected(paths.logs, args.command, error)
        print(f"{args.command} failed: unexpected error: {_one_line(error)} "
              f"(details in {log})", file=sys.stderr)
        return EXIT_UNEXPECTED


def _one_line(error: BaseException) -> str:
    """Type and the first line of the message: a database error's later lines hold the
    statement and its values, which may be a person's details."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__


def _log_unexpected(folder: Path, command: str, error: BaseException) -> Path:
    """Where the error happened, for IT or a developer, in the data folder (0700) in a
    file only this account can read. Each exception of the chain by its frames and its
    one line, never the rest of a message (see _one_line)."""
    import traceback
    from datetime import UTC, datetime

    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    log = folder / "headless.log"
    parts = [f"{datetime.now(UTC).isoformat(timespec='seconds')} {command}: unexpected error\n"]
    seen: BaseException | None = error
    while seen is not None:
        parts += [*traceback.format_tb(seen.__traceback__), f"{_one_line(seen)}\n"]
        seen = seen.__cause__ or seen.__context__
        if seen is not None:
            parts.append("raised while handling, or caused by:\n")
    descriptor = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as file:
        file.write("".join(parts))
    return log
