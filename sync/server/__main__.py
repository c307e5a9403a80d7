"""`python -m sync.server serve|admin|report ...` (also installed as `insideout-server`)."""

from __future__ import annotations

import argparse
import logging
import sys

from sync.server import cli, db, serve
from sync.server.settings import Settings


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="server data directory (INSIDEOUT_SERVER_DATA_DIR)")
    common.add_argument(
        "--create", action="store_true",
        help="make the database if it is not there (admin init does; otherwise a missing "
        "database is refused, as a mistyped --data-dir would make a new, empty one)")
    common.add_argument(
        "--database-url",
        help="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db "
        "(INSIDEOUT_SERVER_DATABASE_URL; default: SQLite in the data directory)",
    )
    parser = argparse.ArgumentParser(prog="insideout-server", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve.add_arguments(commands.add_parser("serve", parents=[common], help="run the HTTP API"))
    cli.add_arguments(
        commands.add_parser("admin", parents=[common], help="teams, workers, devices, audit")
    )
    cli.add_report_arguments(commands.add_parser(
        "report", parents=[common], help="the quarterly evaluation report: signed PDF, "
        "figures, the evaluator's pseudonymised extract, NDTMS episodes (docs/REPORTS.md)"))
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    args = _parser().parse_args(argv)
    overrides = {"data_dir": args.data_dir, "database_url": args.database_url,
                 "requests_in_flight": getattr(args, "requests_in_flight", None)}
    try:
        settings = Settings.from_env(**{k: v for k, v in overrides.items() if v is not None})
    except ValueError as error:
        raise SystemExit(f"insideout-server: {error}") from None
    create = args.create or getattr(args, "admin_command", "") == "init"
    try:
        db.require_database(settings.database_url, create=create)
    except db.DatabaseMissing as error:
        print(f"insideout-server: {error}", file=sys.stderr)
        return 2
    if args.command == "serve":
        return serve.run(args, settings)
    if args.command == "report":  # the same command as `admin report`
        args.admin_command = "report"
    return cli.run(args, settings)


if __name__ == "__main__":
    sys.exit(main())
