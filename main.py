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
from headless import EXIT_CODES, EXIT_UNEXPECTED  # noqa: F401 (callers and tests read them here)

if TYPE_CHECKING:
    from app.services.device import DeviceService
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
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"InsideOut {app_version()}")
    parser.add_argument("--data-dir", help="where this device keeps its encrypted data "
                        "(default: the platform's user data folder; env INSIDEOUT_DATA_DIR)")
    headless.add_commands(parser.add_subparsers(dest="command", metavar="COMMAND"))
    return parser


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
        return headless.self_test()
    if args.command == "paths":
        return headless.show_paths(paths)
    if args.command == "verify":
        return headless.verify(lambda **signing_in: build_device_service(paths).sign_in(
            **signing_in), args)
    if args.command in ("enrol", "sync"):
        return headless.run_logged(paths, args, lambda: build_device_service(
            paths, settings=Settings.load(paths.settings)))
    return _run_gui(paths)


if __name__ == "__main__":
    sys.exit(main())
