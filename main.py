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
    return parser


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
    if args.command in ("enrol", "sync"):
        device = build_device_service(paths, settings=Settings.load(paths.settings))
        return getattr(headless, args.command)(device, args)
    return _run_gui(paths)


if __name__ == "__main__":
    sys.exit(main())
