"""Setting up a device and signing in: the way into the encrypted store."""

from __future__ import annotations

import contextlib
import re
import socket
from datetime import UTC, datetime

from app.domain.audit import AuditAction
from app.domain.passphrase import passphrase_problems
from app.services.errors import InvalidInput, ServiceError, SignInRefused
from app.services.key_recovery import Recovery, recover_with_code
from app.services.reference import ReferenceData
from app.services.session import WorkerSession
from app.services.views import WorkerInfo
from app.store.device import DeviceStore, OpenStore
from app.store.errors import StoreError, WrongPassphraseError
from app.store.keys import KdfParams, SignInServer
from app.store.models import Worker
from app.store.repositories import DeviceMetaRepository, WorkerRepository
from app.store.throttle import SignInThrottle
from sync.client.urls import InsecureServerAddress, require_secure

_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")


def _worker_info(row: Worker) -> WorkerInfo:
    return WorkerInfo(row.id, row.username, row.full_name, row.role)


class DeviceService:
    """What the first-run wizard, the sign-in window and the CLI call."""

    def __init__(self, *, store: DeviceStore, throttle: SignInThrottle, kdf: KdfParams,
                 reference: ReferenceData) -> None:
        self._store = store
        self._reference = reference
        self._throttle = throttle
        self._kdf = kdf

    def is_set_up(self) -> bool:
        return self._store.is_set_up()

    def usernames(self) -> list[str]:
        return self._store.usernames()

    def revocation_text(self) -> str:
        """Why this laptop stopped working and what it lost, in words; '' if never revoked."""
        note = self._store.revocation_note()
        if note is None:
            return ""
        when = str(note.get("at", ""))
        said = str(note.get("message", "")).strip() or "This laptop has been revoked by IT."
        unsent = int(str(note.get("unsent", 0)) or 0)
        lost = (f"{unsent} change(s) made here had not reached the server and were destroyed "
                "with the keys: tell your team lead what you recorded since the last sync."
                if unsent else "Everything recorded here had reached the server: nothing "
                "was lost.")
        stamp = f" ({when[8:10]}/{when[5:7]}/{when[:4]} {when[11:16]} UTC)" if when else ""
        return f"{said}{stamp}\n\n{lost}\n\nTo use this laptop again, enrol it with a new " \
               "code from IT."

    def takes_new_workers(self) -> bool:
        """Enrolled with a sign-in key: a colleague new to this laptop can sign in here."""
        return self._store.sign_in_server() is not None

    def recover_with_code(self, *, username: str, code: str, passphrase: str,
                          confirmation: str) -> str:
        """A worker who forgot their passphrase types the recovery code their team lead
        read them and a new passphrase: their key wrap is replaced (services/key_recovery).
        Returns the username; the sign-in window then signs them in as usual."""
        return recover_with_code(Recovery(self._store, self._throttle, self._kdf,
                                          self._reference),
                                 username=username, code=code, passphrase=passphrase,
                                 confirmation=confirmation)

    def seconds_to_wait(self, username: str) -> float:
        return self._throttle.seconds_to_wait(username)

    def set_up_standalone(self, *, full_name: str, username: str, passphrase: str,
                          confirmation: str) -> WorkerSession:
        username = username.strip().lower()
        _check_new_worker(full_name, username, passphrase, confirmation)
        self._store.remove_leftover()  # a revoked laptop's unreadable store
        store = self._store.create(username=username, passphrase=passphrase, kdf=self._kdf)
        with store.transaction() as db:
            worker = _worker_info(WorkerRepository(db).add(
                username=username, full_name=full_name.strip(), role="team_lead"))
            DeviceMetaRepository(db).put("mode", "standalone")
        session = self._session(store, worker)
        with session.transaction() as db:
            session.audit(db, AuditAction.DEVICE_SET_UP, detail={"mode": "standalone"})
            session.audit(db, AuditAction.SIGN_IN)
        return session

    def _session(self, store: OpenStore, worker: WorkerInfo) -> WorkerSession:
        return WorkerSession(store, worker, self._reference, device=self._store)

    def enrol(self, *, server_url: str, code: str, device_name: str, username: str,
              password: str) -> WorkerSession:
        """Join the organisation's server: the worker's first sign-in is checked there, the
        store is created with their password as passphrase, its key is escrowed."""
        # Imported here: sync and PDF signing are heavy, and sign-in must start fast.
        from app.services.sync import (
            escrow_store_key,
            keep_sign_in_key,
            keep_sync_credential,
            remember_enrolment,
            take_organisation_signing_certificate,
        )
        from sync.client.transport import HttpTransport, SyncError

        server_url = normalise_server_address(server_url)
        _check_server_address(server_url)  # before the code and password go anywhere
        if self._store.is_set_up():
            raise ServiceError("This laptop is already set up. Sign in instead.")
        # A revoked laptop's store cannot be opened again: clear it before the one-time
        # code is spent, so re-enrolling needs no files deleted by hand.
        self._store.remove_leftover()
        username = username.strip().lower()
        device_name = device_name.strip() or socket.gethostname()
        try:
            # One call: the server checks the worker before it spends the code, so a
            # wrong password or account leaves the code usable and no device behind.
            enrolment = HttpTransport(server_url).enrol(code.strip(), device_name,
                                                        username=username, password=password)
            authed = HttpTransport(server_url, enrolment["device_token"])
            # An older server enrolled with the code alone: sign in now.
            signed = enrolment.get("sign_in") or authed.sign_in(username, password)
            worker = signed["worker"]
        except SyncError as error:
            raise SignInRefused(_in_words(error)) from error
        store = self._store.create(username=username, passphrase=password, kdf=self._kdf,
                                   device_id=enrolment["device_id"])
        with store.transaction() as db:
            row = WorkerRepository(db).add(username=username, full_name=worker["display_name"],
                                           role=worker["role"], worker_id=worker["worker_id"])
            info = _worker_info(row)
        session = self._session(store, info)
        keep_sync_credential(session, signed)
        remember_enrolment(session, server_url=server_url, token=enrolment["device_token"],
                           server_device_id=enrolment["device_id"],
                           team_name=enrolment["team_name"], team_id=enrolment["team_id"])
        escrow_store_key(session, authed)
        # Not fatal: the next sync asks again (a laptop without one works as before).
        with contextlib.suppress(SyncError):
            keep_sign_in_key(session, authed, server_url=server_url)
        take_organisation_signing_certificate(session, authed)
        with session.transaction() as db:
            session.audit(db, AuditAction.ENROL, detail={"server": server_url,
                                                         "team": enrolment["team_name"]})
            session.audit(db, AuditAction.SIGN_IN)
        return session

    def sign_in(self, *, username: str, passphrase: str,
                credential_now: bool = False) -> WorkerSession:
        """`credential_now`: a worker with no sync credential here gets one before this
        returns (the headless sync), not in the background (the app)."""
        username = username.strip().lower()
        wait = self._throttle.seconds_to_wait(username)
        if wait > 0:
            raise SignInRefused(_wait_message(wait), wait_seconds=wait)
        server = self._store.sign_in_server()
        if server is not None and username not in self._store.usernames():
            return self._first_sign_in_here(server, username, passphrase)
        try:
            store = self._store.unlock(username=username, passphrase=passphrase)
        except WrongPassphraseError:
            raise self._wrong_passphrase(username) from None
        except StoreError as exc:
            raise SignInRefused(str(exc)) from exc
        session = self._start_session(store, username)
        if self._store.sign_in_server() is not None:  # enrolled: the server knows them
            from app.services.sync import ensure_sync_credential  # heavy: only when enrolled

            ensure_sync_credential(session=session, password=passphrase, wait=credential_now)
        return session

    def _wrong_passphrase(self, username: str) -> SignInRefused:
        delay = self._throttle.record_failure(username)
        return SignInRefused(str(WrongPassphraseError()) + (
            f" {_wait_message(delay)}" if delay else ""), wait_seconds=delay)

    def _first_sign_in_here(self, server: SignInServer, username: str,
                            password: str) -> WorkerSession:
        """A worker of the laptop's team who has never used it: the server checks them."""
        from app.services.first_sign_in import (
            KEY_WITHDRAWN,
            KeyWithdrawn,
            WrongCredentials,
            first_sign_in,
        )
        from sync.client.transport import DeviceRevoked

        try:
            first = first_sign_in(self._store, server, username=username, password=password,
                                  kdf=self._kdf)
        except InsecureServerAddress as error:  # enrolled over http:// before it was refused
            raise SignInRefused(str(error)) from None
        except WrongCredentials:
            raise self._wrong_passphrase(username) from None
        except KeyWithdrawn:
            self._store.drop_sign_in_server()
            raise SignInRefused(KEY_WITHDRAWN) from None
        except DeviceRevoked as error:
            self._store.destroy_key_wraps()
            raise SignInRefused(str(error)) from error
        session = self._start_session(first.store, username, first_on_device=True)
        session.server_token = first.server_token
        return session

    def _start_session(self, store: OpenStore, username: str, *,
                       first_on_device: bool = False) -> WorkerSession:
        failures = self._throttle.record_success(username)
        with store.transaction() as db:
            row = WorkerRepository(db).by_username(username)
        if row is None:  # a wrap without a worker row: the files were mixed up
            store.close()
            raise SignInRefused("This account is not known on this device. Contact IT.")
        session = self._session(store, _worker_info(row))
        with session.transaction() as db:
            for failed_at in failures:
                when = datetime.fromtimestamp(failed_at, UTC).isoformat(timespec="seconds")
                session.audit(db, AuditAction.SIGN_IN_FAILED, detail={"at": when})
            session.audit(db, AuditAction.SIGN_IN,
                          detail={"first_on_device": True} if first_on_device else None)
        return session


def _in_words(error: Exception) -> str:
    """The server's own sentence for a refusal, without the HTTP status a worker cannot use:
    "Wrong username or password." rather than "… refused the request (401): wrong …"."""
    body = getattr(error, "body", None)
    message = body.get("message") if isinstance(body, dict) else None
    if not message:
        return str(error)
    text = str(message).strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def normalise_server_address(typed: str) -> str:
    """What a worker types, as the app needs it: 'insideout.example.nhs.uk' and
    'https://insideout.example.nhs.uk/api/v1/' both mean https://insideout.example.nhs.uk."""
    address = typed.strip().rstrip("/")
    if address and "://" not in address:
        address = "https://" + address
    for suffix in ("/api/v1", "/api"):
        address = address.removesuffix(suffix)
    return address.rstrip("/")


def _check_server_address(server_url: str) -> None:
    """Refuse an address that would carry the password and keys unencrypted, in the words
    the wizard shows beside the address field."""
    try:
        require_secure(server_url)
    except InsecureServerAddress as error:
        raise InvalidInput({"server_url": str(error)}) from None


def _wait_message(seconds: float) -> str:
    return f"Too many wrong attempts: wait {int(seconds + 0.999)} seconds before trying again."


def _check_new_worker(full_name: str, username: str, passphrase: str, confirmation: str) -> None:
    problems: dict[str, str] = {}
    if len(full_name.strip()) < 2:
        problems["full_name"] = "Enter your full name as colleagues know it."
    if not _USERNAME.match(username):
        problems["username"] = ("Use 2-32 lower-case letters, digits, dots or dashes, "
                                "starting with a letter (for example j.smith).")
    found = passphrase_problems(passphrase, username=username, full_name=full_name)
    if found:
        problems["passphrase"] = " ".join(found)
    elif passphrase != confirmation:
        problems["confirmation"] = "The two passphrases are different. Type the same one twice."
    if problems:
        raise InvalidInput(problems)
