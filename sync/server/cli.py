"""`python -m sync.server admin ...`: what IT needs, working directly on the database."""

from __future__ import annotations

import argparse
import getpass
import json
import sqlite3
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from sync import protocol as p
from sync.protocol.tables import HANDOVER_REASONS
from sync.server import crypto, db
from sync.server.errors import Refused
from sync.server.models import AuditEvent, SyncChange, Team, Worker
from sync.server.models.base import new_id
from sync.server.services import audit, escrow, handovers, org, people_audit
from sync.server.settings import KEY_RELEASE_ENV, MASTER_KEY_ENV, Settings

Command = Callable[[Session, argparse.Namespace, Settings], None]


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (12+ characters): ")
    if getpass.getpass("Again: ") != first:
        raise Refused(422, p.ERR_INVALID_REQUEST, "the two passwords differ")
    return first


def _create_team(session: Session, args: argparse.Namespace, _s: Settings) -> None:
    team = org.create_team(session, name=args.name, agency=args.agency, actor=_actor())
    print(f"team {team.name} created: {team.id}")


def _list_teams(session: Session, _a: argparse.Namespace, _s: Settings) -> None:
    for team in session.scalars(select(Team).order_by(Team.name)):
        print(f"{team.id}  {team.agency:<22} {team.name}")


def _create_worker(session: Session, args: argparse.Namespace, settings: Settings) -> None:
    team = org.team_by_name(session, args.team) if args.team else None
    worker = org.create_worker(
        session,
        crypto.password_hasher(settings),
        username=args.username,
        display_name=args.display_name or args.username,
        role=args.role,
        password=_password(args),
        team=team,
        partner_agency=args.partner_agency,
        actor=_actor(),
    )
    print(f"{worker.role} {worker.username} created: {worker.id}")


def _create_admin(session: Session, args: argparse.Namespace, settings: Settings) -> None:
    args.role, args.team, args.partner_agency = "admin", None, None
    _create_worker(session, args, settings)


def _set_password(session: Session, args: argparse.Namespace, settings: Settings) -> None:
    worker = org.worker_by_username(session, args.username)
    org.set_password(
        session, crypto.password_hasher(settings), worker, _password(args), actor=_actor()
    )
    print(f"password for {worker.username} changed")


def _disable(session: Session, args: argparse.Namespace, _s: Settings) -> None:
    worker = org.worker_by_username(session, args.username)
    org.set_disabled(session, worker, disabled=args.command == "disable-worker", actor=_actor())
    print(f"{worker.username} {'disabled' if worker.disabled_at else 'enabled'}")


def _reset_second_factor(session: Session, args: argparse.Namespace, _s: Settings) -> None:
    # Here, not at the top: every other command would load the web stack for nothing.
    from sync.server.console import second_factor

    worker = org.worker_by_username(session, args.username)
    second_factor.reset(session, worker, actor=_actor())
    print(f"{worker.username}'s console second factor removed: the next console sign-in "
          "sets up a new one")


def _table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """Columns as wide as their widest value: nothing IT typed (a laptop's name, a
    team's) is ever cut; the last column is left ragged."""
    widths = [max(len(r[i]) for r in (headers, *rows)) for i in range(len(headers) - 1)]
    for row in (headers, *rows):
        print("  ".join([*(v.ljust(w) for v, w in zip(row, widths, strict=False)), row[-1]])
              .rstrip())


def _list_workers(session: Session, _a: argparse.Namespace, _s: Settings) -> None:
    teams = {t.id: t.name for t in session.scalars(select(Team))}
    rows = [(w.id, w.username, w.role, teams.get(w.team_id or "", "(no team)"),
             "DISABLED" if w.disabled_at else "active")
            for w in session.scalars(select(Worker).order_by(Worker.username))]
    _table(("worker id", "username", "role", "team", "state"), rows)


def _issue_code(session: Session, args: argparse.Namespace, _s: Settings) -> None:
    team = org.team_by_name(session, args.team)
    if not 1 <= args.count <= MAX_CODES:
        raise Refused(422, p.ERR_INVALID_REQUEST, f"--count must be 1 to {MAX_CODES}")
    codes = [org.issue_enrolment_code(session, team, hours=args.valid_hours, actor=_actor())
             for _ in range(args.count)]
    if len(codes) == 1:
        print(f"enrolment code for {team.name} (one use, valid {args.valid_hours} h): {codes[0]}")
        return
    print(f"{len(codes)} enrolment codes for {team.name} (each one use, valid "
          f"{args.valid_hours} h):")
    print("\n".join(codes))


MAX_CODES = 100  # one team's laptops, and then some


def _list_codes(session: Session, args: argparse.Namespace, _s: Settings) -> None:
    """The codes themselves are never shown again (only their hashes are kept): each is
    named by its id, for cancel-code."""
    team = org.team_by_name(session, args.team) if args.team else None
    rows = [(c.id, t.name, f"{c.created_at:%Y-%m-%d %H:%M}", f"{c.expires_at:%Y-%m-%d %H:%M}",
             org.code_state(c)) for c, t in org.list_codes(session, team=team,
                                                           include_dead=args.all)]
    _table(("code id", "team", "issued", "expires", "state"), rows)


def _cancel_code(session: Session, args: argparse.Namespace, _s: Settings) -> None:
    row = org.cancel_code(session, code_id=args.id, code=args.code, actor=_actor())
    print(f"enrolment code {row.id} cancelled: it can no longer enrol a laptop")


def _list_devices(session: Session, args: argparse.Namespace, _s: Settings) -> None:
    team = org.team_by_name(session, args.team) if args.team else None
    rows = [(d.id, t.name, d.last_seen_at.isoformat(timespec="seconds") if d.last_seen_at
             else "never", org.device_status(d), d.name)
            for d, t in org.list_devices(session, team=team)]
    _table(("device id", "team", "last contact", "status", "name"), rows)


def _revoke(session: Session, args: argparse.Namespace, _s: Settings) -> None:
    device = org.device_by_id(session, args.device_id)
    team = session.get_one(Team, device.team_id)
    if not args.yes and not _confirmed(f"Revoke laptop '{device.name}' of {team.name}? It "
                                       "destroys its keys and any work not yet synced. "
                                       "Type yes: "):
        raise Refused(409, p.ERR_CONFLICT, "not revoked (answer yes, or pass --yes)")
    org.revoke_device(session, device.id, reason=args.reason, actor=_actor())
    print(f"device {device.name} revoked; at its next contact it destroys its local keys "
          "and reports the wipe (list-devices)")


def _key_release(session: Session, _a: argparse.Namespace, settings: Settings) -> None:
    known = escrow.recorded_policy(session)
    if known is None:
        print("key release: approval (the default; no server of this version has started "
              "on this database yet)")
    else:
        since = f"{known[1]:%Y-%m-%d %H:%M}"
        print(f"key release: {known[0]} (the server started with it on {since} UTC)")
    policy = known[0] if known else "approval"
    print("a worker new to a laptop is given its key " + (
        "only once their team lead or IT approves that laptop for them (list-key-releases)"
        if policy == "approval" else "with their password alone; their team lead is told "
        "afterwards (a stolen laptop and any teammate's password open it)"))
    if settings.key_release != policy:
        print(f"note: {KEY_RELEASE_ENV} here says {settings.key_release}: it takes effect "
              "when the server is started with it")


def _decide(session: Session, args: argparse.Namespace, _s: Settings) -> None:
    """allow-worker (ahead of a request, or after), approve- and refuse-key-release."""
    device = org.device_by_id(session, args.device_id)
    worker = org.worker_by_username(session, args.username)
    approve = args.command != "refuse-key-release"
    row = escrow.decide(session, device_id=device.id, worker_id=worker.id, approve=approve,
                        actor=_actor(), ahead=args.command != "approve-key-release")
    if approve:
        print(f"{worker.username} may be given the key of laptop '{device.name}' at their "
              "next sign-in there" + ("" if row.requested_at else " (approved ahead)"))
    else:
        print(f"{worker.username} will not be given the key of laptop '{device.name}'; "
              "asking again asks nobody (allow-worker undoes it)")


def _list_key_releases(session: Session, args: argparse.Namespace, _s: Settings) -> None:
    team = org.team_by_name(session, args.team) if args.team else None
    rows = [(d.id, w.username, r.state, f"{r.requested_at:%Y-%m-%d %H:%M}" if r.requested_at
             else "-", r.decided_by or "-", d.name)
            for r, d, w in escrow.releases(session, team_id=team.id if team else None,
                                           pending_only=not args.all)]
    _table(("device id", "worker", "state", "asked", "decided by", "laptop"), rows)


def _confirmed(question: str) -> bool:
    print(question, end="", flush=True)
    return sys.stdin.readline().strip().lower() == "yes"


def _audit_log(session: Session, args: argparse.Namespace, _s: Settings) -> None:
    query = select(AuditEvent)
    if args.event:  # "device." matches every device event
        query = query.where(AuditEvent.action.startswith(args.event) if args.event.endswith(
            ".") else AuditEvent.action == args.event)
    if args.person_id:
        query = query.where(AuditEvent.person_id == args.person_id)
    if args.worker:
        query = query.where(AuditEvent.worker_id == _worker_id(session, args.worker))
    if args.since:
        query = query.where(AuditEvent.at >= args.since)
    for e in session.scalars(query.order_by(AuditEvent.id.desc()).limit(args.limit)):
        print(f"{e.id:>7} {e.at:%Y-%m-%d %H:%M:%S} {e.action:<24} {e.actor:<44} {e.detail}")


def _worker_id(session: Session, username_or_id: str) -> str:
    """A username (as IT knows them) or a worker id (as the audit log shows them)."""
    found = session.get(Worker, username_or_id)
    return found.id if found else org.worker_by_username(session, username_or_id).id


def _since(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _record_writes(session: Session, args: argparse.Namespace, _s: Settings) -> None:
    """Every write to one person's record the server took or refused: whose, from which
    laptop, when. Accepted changes come from the sync ledger (the worker is the one whose
    credential the push carried); refusals and other acts from the audit trail."""
    ledger = session.scalars(select(SyncChange).where(SyncChange.person_id == args.person_id)
                             .order_by(SyncChange.received_at))
    for c in ledger:
        outcome = json.loads(c.result_json)
        print(f"{c.received_at:%Y-%m-%d %H:%M:%S} {outcome['status']:<9} "
              f"{c.table_name or '?':<22} {c.row_id or '?':<36} worker:{c.worker_id} "
              f"device:{c.device_id}")
    events = session.scalars(select(AuditEvent).where(AuditEvent.person_id == args.person_id)
                             .order_by(AuditEvent.id))
    for e in events:
        print(f"{e.at:%Y-%m-%d %H:%M:%S} {e.action:<24} worker:{e.worker_id} "
              f"{e.actor} {e.detail}")


ANCHOR_ADVICE = (
    "Keep the head hash somewhere outside this database (print it, email it): the chain "
    "cannot show that its newest events were removed, but a head hash kept elsewhere "
    "that is no longer in the chain can (verify-audit --anchor HASH)."
)


def _verify_audit(sessions: sessionmaker[Session], args: argparse.Namespace) -> int:
    """Exit code 0 when the chain is whole (and holds --anchor), 1 when it is not."""
    report = audit.verify_chain(sessions)
    if not report.ok:
        last_good = f"event {report.head_id}" if report.head_id is not None else "none"
        print(f"audit trail BROKEN at event {report.broken_at}: {report.problem}\n"
              f"{report.events} events before it verified (last good: {last_good})")
        return 1
    print(f"audit trail intact: {report.events} events (gaps in ids are normal)\n"
          f"head: event {report.head_id}, hash {report.head_hash}")
    if report.unkeyed:
        sealed = "sealed" if report.unkeyed < report.events else "NOT YET SEALED (next event seals)"
        print(f"{report.unkeyed} of them predate the chain (linked without the key by "
              f"migration 0008), {sealed}")
    if args.anchor and not _in_chain(sessions, args.anchor):
        print(f"the anchored head {args.anchor} is no longer in the chain: events were removed")
        return 1
    print(ANCHOR_ADVICE)
    return 0


def _in_chain(sessions: sessionmaker[Session], entry_hash: str) -> bool:
    query = select(AuditEvent.id).where(AuditEvent.entry_hash == entry_hash.strip().lower())
    with sessions.begin() as session:
        return session.scalar(query.limit(1)) is not None


def _migrate(_session: Session, _a: argparse.Namespace, _s: Settings) -> None:
    print(f"schema at {db.head_revision()}")


def _init(_session: Session, _a: argparse.Namespace, settings: Settings) -> None:
    # By now `run` has made the database, its schema and the master key.
    where = make_url(settings.database_url).render_as_string(hide_password=True)
    print(f"server database ready at {where} (schema {db.head_revision()}); keep the "
          f"master key ({settings.master_key_path} or {MASTER_KEY_ENV}) backed up apart")


def _backup(_session: Session, args: argparse.Namespace, settings: Settings) -> None:
    """SQLite's online backup: a consistent copy while the server keeps running.

    It uses its own plain connection: the command's session is never touched, so no
    write lock is held while the pages are copied.
    """
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        raise Refused(422, p.ERR_INVALID_REQUEST, "on PostgreSQL use pg_dump (docs/SERVER.md)")
    source, target = sqlite3.connect(url.database), sqlite3.connect(args.to)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    print(f"backed up to {args.to}; back up the master key separately")


def _move_person(session: Session, args: argparse.Namespace, _s: Settings) -> None:
    """A handover opened by IT: the person moves at once, their team keeps reading them
    until a worker of the new team accepts it on a laptop."""
    team = org.team_by_name(session, args.team)
    by = handovers.By(name=f"IT ({getpass.getuser()})", worker_id=None, device_id=None,
                      actor=_actor(), team_id=None, via="cli")
    done = handovers.open_handover(session, handovers.Asked(
        new_id(), args.person, team.id, args.reason, args.note), by)
    handovers.write_row(session, done, by)
    fields = done.fields
    print(f"person {args.person} handed over from {fields['from_team_name']} to "
          f"{fields['to_team_name']} (handover {done.handover.id}); to be accepted by "
          f"{fields['accept_by']}")


def _report(session: Session, args: argparse.Namespace, _s: Settings) -> None:
    """The quarterly evaluation report (docs/REPORTS.md): signed PDF, published figures,
    the evaluator's pseudonymised extract and the NDTMS episodes, into --out."""
    # Here, not at the top: every other command would load reportlab and pyHanko for nothing.
    from sync.server.reports import generate as reports

    try:
        quarter = reports.parse_quarter(args.quarter)
    except reports.NotAQuarter as error:
        raise Refused(422, p.ERR_INVALID_REQUEST, str(error)) from None
    try:
        done = reports.generate(session, reports.Asked(
            quarter, None if args.all else args.team, Path(args.out), _actor(),
            generated_by=f"{getpass.getuser()}, on the server"))
    except OSError as error:  # nothing is kept: no files, no audit event
        raise Refused(422, p.ERR_INVALID_REQUEST, f"could not write the report into "
                      f"{args.out}: {error.strerror or error}") from None
    print(f"quarterly report {reports.quarter_code(quarter)} "
          f"({reports.quarter_label(quarter)}) for {done.scope.name}: wrote")
    for path in done.files:
        print(f"  {path}")
    if done.unreadable_rows:
        print(f"note: {done.unreadable_rows} synced row(s) could not be read by this server's "
              "version and are not in the figures (upgrade the server)")


def _flag_overdue(session: Session, _a: argparse.Namespace, _s: Settings) -> None:
    flagged = handovers.flag_overdue(session)
    print(f"{flagged} overdue handover(s) flagged to both teams' leads")


COMMANDS: dict[str, tuple[Command, str]] = {
    "init": (_init, "make a new server database (the only command that may)"),
    "migrate": (_migrate, "bring the database schema up to date"),
    "create-team": (_create_team, "add a team"),
    "list-teams": (_list_teams, "show teams"),
    "create-worker": (_create_worker, "add a worker, team lead or partner (read-only)"),
    "create-admin": (_create_admin, "add an administrator (no team)"),
    "set-password": (_set_password, "set a worker's password"),
    "disable-worker": (_disable, "stop a worker signing in anywhere, at once"),
    "enable-worker": (_disable, "undo disable-worker"),
    "reset-second-factor": (_reset_second_factor, "remove a console user's TOTP and recovery "
                            "codes (a lost phone): the next sign-in sets them up again"),
    "list-workers": (_list_workers, "show workers"),
    "issue-enrolment-code": (_issue_code, "make one-time codes to enrol laptops"),
    "list-codes": (_list_codes, "show enrolment codes not yet used (--all: every one)"),
    "cancel-code": (_cancel_code, "stop an unused enrolment code working"),
    "list-devices": (_list_devices, "show devices with their last contact"),
    "revoke-device": (_revoke, "refuse a device from now on; it destroys its keys"),
    "key-release": (_key_release, "show what a worker new to a laptop needs to get its key"),
    "list-key-releases": (_list_key_releases, "show workers waiting to be approved for a "
                          "laptop (--all: every decision too)"),
    "allow-worker": (_decide, "approve a worker for a laptop, ahead of their asking"),
    "approve-key-release": (_decide, "approve a worker's request for a laptop's key"),
    "refuse-key-release": (_decide, "refuse a worker's request for a laptop's key"),
    "audit-log": (_audit_log, "show the newest audit events"),
    "record-writes": (_record_writes, "every write to one person's record: whose, when"),
    "backup": (_backup, "copy a SQLite database safely while the server runs"),
    "move-person": (_move_person, "hand a person over to another team (a handover the new "
                    "team accepts)"),
    "flag-overdue-handovers": (_flag_overdue, "tell both teams' leads of each handover not "
                               "accepted in time (listing notifications does it too)"),
    "report": (_report, "the quarterly evaluation report for a team or the whole service: "
               "signed PDF and CSV extracts (docs/REPORTS.md)"),
}


ALIASES = {"issue-enrolment-code": ["issue-code"]}
# What each alias stands for, as argparse gives back the name that was typed.
_ALIASED = {alias: name for name, aliases in ALIASES.items() for alias in aliases}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="admin_command", required=True)
    parsers = {name: sub.add_parser(name, help=text, aliases=ALIASES.get(name, []))
               for name, (_, text) in COMMANDS.items()}
    parsers["verify-audit"] = sub.add_parser(
        "verify-audit", help="check the audit trail's hash chain, first event to last")
    parsers["record-writes"].add_argument("--person-id", required=True)
    parsers["create-team"].add_argument("--name", required=True)
    parsers["create-team"].add_argument(
        "--agency", default="treatment_provider", choices=p.AGENCIES
    )
    for name in ("create-worker", "create-admin", "set-password"):
        parsers[name].add_argument("--username", required=True)
        parsers[name].add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of stdin",
        )
    for name in ("create-worker", "create-admin"):
        parsers[name].add_argument("--display-name")
    parsers["create-worker"].add_argument("--team", required=True, help="team name")
    parsers["create-worker"].add_argument(
        "--role", default="worker", choices=[r for r in p.ROLES if r != "admin"]
    )
    parsers["create-worker"].add_argument("--partner-agency", choices=p.AGENCIES)
    for name in ("disable-worker", "enable-worker", "reset-second-factor"):
        parsers[name].add_argument("--username", required=True)
    parsers["issue-enrolment-code"].add_argument("--team", required=True, help="team name")
    parsers["issue-enrolment-code"].add_argument("--valid-hours", type=int, default=72,
                                                 help="1 or more (default 72)")
    parsers["issue-enrolment-code"].add_argument(
        "--count", type=int, default=1, help=f"how many codes, one per laptop (1 to {MAX_CODES})")
    parsers["list-codes"].add_argument("--team", help="only this team's codes")
    parsers["list-codes"].add_argument("--all", action="store_true",
                                       help="spent, cancelled and expired codes too")
    which = parsers["cancel-code"].add_mutually_exclusive_group(required=True)
    which.add_argument("--id", help="the code id list-codes shows")
    which.add_argument("--code", help="the code itself, as issued")
    parsers["list-devices"].add_argument("--team", help="only this team's devices")
    parsers["revoke-device"].add_argument("--device-id", required=True)
    parsers["revoke-device"].add_argument("--reason", required=True,
                                          help="shown to the laptop's worker as it locks")
    parsers["revoke-device"].add_argument("--yes", action="store_true",
                                          help="do not ask for confirmation")
    for name in ("allow-worker", "approve-key-release", "refuse-key-release"):
        parsers[name].add_argument("--device-id", required=True, help="as list-devices shows")
        parsers[name].add_argument("--username", required=True)
    parsers["list-key-releases"].add_argument("--team", help="only this team's laptops")
    parsers["list-key-releases"].add_argument("--all", action="store_true",
                                              help="approvals and refusals too")
    audit_log = parsers["audit-log"]
    audit_log.add_argument("--limit", type=int, default=50)
    audit_log.add_argument("--event", help="one action (device.revoked), or a prefix "
                           "ending in a dot (device.)")
    audit_log.add_argument("--person-id", help="events about this person")
    audit_log.add_argument("--worker", help="events of this worker (username or id)")
    audit_log.add_argument("--since", type=_since, help="from this date or time (UTC)")
    parsers["verify-audit"].add_argument(
        "--anchor", help="a head hash an earlier verify-audit printed: fail if it is gone")
    parsers["backup"].add_argument("--to", required=True, help="file to write (SQLite only)")
    move = parsers["move-person"]
    move.add_argument("--person", required=True, help="the person's id")
    move.add_argument("--team", required=True, help="the receiving team's name")
    move.add_argument("--reason", default="move", choices=HANDOVER_REASONS)
    move.add_argument("--note", default="", help="for the receiving team")
    add_report_arguments(parsers["report"])


def add_report_arguments(report: argparse.ArgumentParser) -> None:
    """`admin report` and `report` (python -m sync.server report …) take the same."""
    report.add_argument("--quarter", required=True, help="e.g. 2026Q3 (July to September)")
    scope = report.add_mutually_exclusive_group(required=True)
    scope.add_argument("--team", help="one team's people (team name)")
    scope.add_argument("--all", action="store_true", help="the whole service")
    report.add_argument("--out", required=True, help="folder to write the files into")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Each command is one transaction: all of it is written, or none."""
    engine = db.make_engine(settings.database_url)
    try:
        db.migrate(engine)
        verifying = args.admin_command == "verify-audit"
        # A key made now would only report every event as hashed with another key.
        key = crypto.load_master_key(settings, create=not verifying)
        sessions = db.session_factory(engine, master_key=key)
        if verifying:
            # Not one transaction: it reads in short ones (a long one would hold SQLite's
            # write lock throughout), writes nothing, and reports the chain as it finds it.
            return _verify_audit(sessions, args)
        with sessions.begin() as session:  # the first start after migration 0008
            audit.seal_unkeyed_events(session, actor=_actor())
        with sessions.begin() as session:  # people made on laptops, before anything reads
            people_audit.record_pushed_people(session)
        command, _ = COMMANDS[_ALIASED.get(args.admin_command, args.admin_command)]
        args.command = args.admin_command
        with sessions.begin() as session:
            command(session, args, settings)
        return 0
    except Refused as refusal:
        print(f"error: {refusal.message}", file=sys.stderr)
        return 2
    except crypto.MasterKeyError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
