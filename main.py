"""InsideOut: the composition root. Paths -> unlock -> store -> services -> window.

`python main.py` opens the app; `python main.py --help` lists the headless commands.
Qt is imported only when a window is needed, so the CLI starts fast and works on
machines without a display.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import headless
from app.config import RESOURCES_DIR, Paths, Settings, app_version, resolve_paths

if TYPE_CHECKING:
    from app.services.device import DeviceService
    from app.services.selftest import Check
    from app.store.keys import KdfParams


def build_device_service(paths: Paths, *, kdf: KdfParams | None = None,
                         settings: Settings | None = None) -> DeviceService:
    """The one place that turns paths into the concrete store and sign-in service."""
    from app.services.device import DeviceService
    from app.services.reference import ReferenceData
    from app.store.device import DeviceFiles, DeviceStore
    from app.store.keys import KdfParams
    from app.store.throttle import SignInThrottle

    paths.ensure()
    return DeviceService(
        store=DeviceStore(DeviceFiles(paths.database, paths.key_wraps)),
        throttle=SignInThrottle(paths.signin_throttle),
        kdf=kdf or KdfParams(),
        reference=ReferenceData.load(
            RESOURCES_DIR, stale_section_days=(settings or Settings()).stale_section_days),
    )


# What enrol and sync end with (headless.py returns 0, 2 and 3 itself).
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="insideout",
        description="InsideOut desktop app. With no command, opens the window.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"InsideOut {app_version()}")
    parser.add_argument("--data-dir", help="where this device keeps its encrypted data "
                        "(default: the platform's user data folder; env INSIDEOUT_DATA_DIR)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("self-test", help="check the encrypted store works on this machine")
    commands.add_parser("paths", help="print where this device keeps its files")
    headless.add_commands(commands)
    _add_verify(commands)  # issue 6
    return parser


def _add_verify(commands: argparse._SubParsersAction) -> None:
    """Issue 6: `verify plan.pdf` says whether a signed PDF is intact, whose, and current."""
    verify = commands.add_parser("verify", help="check a signed care plan PDF is intact, "
                                 "whose record and version it is, and if it is current")
    verify.add_argument("pdf", help="the PDF file to check")
    verify.add_argument("--username", help="sign in as this worker to check trust and "
                        "whether it is the current version (asks for the passphrase)")
    verify.add_argument("--password-stdin", action="store_true",
                        help="read the passphrase from the first line of stdin")


def _verify(paths: Paths, args: argparse.Namespace) -> int:
    """Issue 6. Exit 0 intact, 1 not intact or not trusted, 2 cannot read or sign in."""
    import getpass
    from pathlib import Path

    from app.services.errors import ServiceError
    from app.services.printing import verify_pdf

    try:
        data = Path(args.pdf).read_bytes()
    except OSError as error:
        print(f"verify: cannot read {args.pdf}: {error}", file=sys.stderr)
        return 2
    session = None
    if args.username:
        secret = (sys.stdin.readline().rstrip("\n") if args.password_stdin
                  else getpass.getpass("Passphrase: "))
        try:
            session = build_device_service(paths).sign_in(username=args.username,
                                                          passphrase=secret)
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


def _self_test() -> int:
    from app.services.reference import ReferenceData
    from app.services.selftest import run_self_test

    def show(check: Check) -> None:
        mark = "ok  " if check.ok else "FAIL"
        print(f"[{mark}] {check.name} {check.detail}".rstrip())

    checks = run_self_test(ReferenceData.load(RESOURCES_DIR), show)
    failed = [c for c in checks if not c.ok]
    print("self-test passed" if not failed else f"self-test FAILED: {len(failed)} check(s)")
    return 1 if failed else 0


def _run_gui(paths: Paths) -> int:
    from app.ui.application import run_application

    settings = Settings.load(paths.settings)
    return run_application(device=build_device_service(paths, settings=settings),
                           settings=settings,
                           version=app_version())


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    paths = resolve_paths(args.data_dir)
    if args.command == "self-test":
        return _self_test()
    if args.command == "paths":
        print(f"data folder: {paths.data_dir}\ndatabase:    {paths.database}")
        return 0
    if args.command == "verify":  # issue 6
        return _verify(paths, args)
    if args.command in ("enrol", "sync"):
        return _headless(paths, args)
    return _run_gui(paths)


def _headless(paths: Paths, args: argparse.Namespace) -> int:
    """enrol and sync run from scripts and schedulers: they end with a code from
    EXIT_CODES and one line on stderr, never a traceback (that goes to the log)."""
    try:
        device = build_device_service(paths, settings=Settings.load(paths.settings))
        return int(getattr(headless, args.command)(device, args))
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


if __name__ == "__main__":
    sys.exit(main())
