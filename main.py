"""InsideOut: the composition root. Paths -> unlock -> store -> services -> window.

`python main.py` opens the app; `python main.py --help` lists the headless commands.
Qt is imported only when a window is needed, so the CLI starts fast and works on
machines without a display.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="insideout",
        description="InsideOut desktop app. With no command, opens the window.",
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
        device = build_device_service(paths, settings=Settings.load(paths.settings))
        return getattr(headless, args.command)(device, args)
    return _run_gui(paths)


if __name__ == "__main__":
    sys.exit(main())
