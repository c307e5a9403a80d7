"""The device's encrypted store: create it, unlock it with a passphrase, lock it."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.domain.clock import HybridLogicalClock
from app.store import migrate
from app.store.engine import READ_ONLY, assert_encrypted, close_engine, open_encrypted_engine
from app.store.errors import DeviceNotSetUpError, WrongPassphraseError
from app.store.keys import (
    KdfParams,
    KeyWrapFile,
    SignInServer,
    new_database_key,
    unwrap_key,
    wrap_key,
)
from app.store.models import DeviceMeta, new_uuid
from app.store.sync import outbox

# Services hold a unit of work without importing SQLAlchemy themselves.
DbSession = Session


@dataclass
class OpenStore:
    """An unlocked database. `close` checkpoints, disconnects and wipes the key."""

    engine: Engine
    device_id: str
    clock: HybridLogicalClock
    _key: bytearray = field(repr=False)
    _sessions: sessionmaker[Session] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        outbox.install(self._sessions)

    @contextmanager
    def transaction(self, *, read_only: bool = False) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any exception.

        A writing transaction takes the write lock at its start, so it waits its turn
        rather than fail (engine.py). `read_only` starts a plain snapshot instead: a read
        beside a sync or a save then neither waits nor makes them wait (WAL)."""
        with self._sessions.begin() as session:
            if read_only:
                session.connection(execution_options={READ_ONLY: True})
            yield session

    @property
    def is_open(self) -> bool:
        return bool(self._key)

    def key_for_escrow(self) -> bytes:
        """The store key, for the server's encrypted escrow (recovery by a team lead)."""
        return bytes(self._key)

    def close(self) -> None:
        if not self.is_open:
            return
        close_engine(self.engine)
        for i in range(len(self._key)):
            self._key[i] = 0
        self._key.clear()


@dataclass(frozen=True)
class DeviceFiles:
    database: Path
    key_wraps: Path


REVOCATION_NOTE = "revoked.json"
_SIDE_FILES = ("-wal", "-shm", "-journal")


class DeviceStore:
    """The files of one device and the only way in: a worker's passphrase."""

    def __init__(self, files: DeviceFiles) -> None:
        self._files = files
        self._wraps = KeyWrapFile(files.key_wraps)

    def is_set_up(self) -> bool:
        return self._wraps.exists() and self._files.database.exists()

    def usernames(self) -> list[str]:
        return self._wraps.usernames()

    def create(self, *, username: str, passphrase: str, kdf: KdfParams,
               device_id: str | None = None) -> OpenStore:
        """A brand-new encrypted database with a random key wrapped for its first worker.

        An enrolled laptop takes the id the server gave it, so rows name one device
        everywhere."""
        if self._files.database.exists():
            raise FileExistsError(f"{self._files.database} already exists; refusing to overwrite")
        self._files.database.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = new_database_key()
        store = self._open_with_key(key, device_id=device_id or new_uuid())
        self._wraps.put(wrap_key(key, username=username, passphrase=passphrase, kdf=kdf))
        return store

    def unlock(self, *, username: str, passphrase: str) -> OpenStore:
        if not self.is_set_up():
            raise DeviceNotSetUpError()
        assert_encrypted(self._files.database)  # before any passphrase work
        wrap = self._wraps.get(username)
        if wrap is None:
            # Spend the same Argon2id time so timing does not reveal who has an account.
            decoy = wrap_key(b"\0" * 32, username=username, passphrase=secrets.token_hex(8),
                             kdf=KdfParams())
            unwrap_key(decoy, passphrase)
            raise WrongPassphraseError()
        return self._open_with_key(unwrap_key(wrap, passphrase))

    def open_with_escrowed_key(self, key: bytes) -> OpenStore:
        """Open with the store key the server held in escrow (a worker new to this laptop).
        A key that does not open this database raises WrongKeyError; nothing is changed."""
        if not self.is_set_up():
            raise DeviceNotSetUpError()
        return self._open_with_key(bytearray(key))

    def sign_in_server(self) -> SignInServer | None:
        return self._wraps.sign_in_server()

    def put_sign_in_server(self, server: SignInServer) -> None:
        self._wraps.put_sign_in_server(server)

    def drop_sign_in_server(self) -> None:
        self._wraps.drop_sign_in_server()

    def add_worker_wrap(self, store: OpenStore, *, username: str, passphrase: str,
                        kdf: KdfParams) -> None:
        """Let another worker unlock this device (or replace a worker's passphrase)."""
        self._wraps.put(wrap_key(store._key, username=username, passphrase=passphrase, kdf=kdf))

    def replace_worker_wrap(self, store: OpenStore, *, username: str, passphrase: str,
                            kdf: KdfParams) -> None:
        """A worker who forgot their passphrase, once `store` was opened with the key a
        team lead recovered: the new wrap takes the old one's place in the file (written
        atomically), so the forgotten passphrase opens nothing here any more. Only for a
        worker who has a wrap: recovery never lets someone new onto the laptop."""
        if self._wraps.get(username) is None:
            raise KeyError(username)
        self.add_worker_wrap(store, username=username, passphrase=passphrase, kdf=kdf)

    def remove_worker_wrap(self, username: str) -> None:
        self._wraps.remove(username)

    def destroy_key_wraps(self) -> None:
        self._wraps.destroy()

    # ---- after a revocation -----------------------------------------------------------
    @property
    def _revocation_file(self) -> Path:
        return self._files.key_wraps.parent / REVOCATION_NOTE

    def record_revocation(self, note: dict[str, object]) -> None:
        """What the next start says: when, why, and what unsent work went with the keys.
        Plain JSON beside the store: it names no person, only counts and IT's reason."""
        self._revocation_file.write_text(json.dumps(note), encoding="utf-8")

    def revocation_note(self) -> dict[str, object] | None:
        try:
            found = json.loads(self._revocation_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return found if isinstance(found, dict) else None

    def has_leftover(self) -> bool:
        """A database whose key wraps are gone (a revoked laptop): unreadable for ever."""
        return self._files.database.exists() and not self._wraps.exists()

    def remove_leftover(self) -> None:
        """Delete an unreadable leftover store so the laptop can be enrolled again, without
        IT deleting files by hand. Never touches a store that can still be opened."""
        if not self.has_leftover():
            return
        base = self._files.database
        for path in (base, *(base.with_name(base.name + end) for end in _SIDE_FILES)):
            path.unlink(missing_ok=True)
        self._revocation_file.unlink(missing_ok=True)

    def _open_with_key(self, key: bytearray, device_id: str | None = None) -> OpenStore:
        engine = open_encrypted_engine(self._files.database, key)
        try:
            migrate.upgrade(engine)
            device_id = _device_id(engine, new_id=device_id)
            assert_encrypted(self._files.database)  # the file as written, not only as found
        except BaseException:
            engine.dispose()
            raise
        return OpenStore(engine, device_id, HybridLogicalClock(device_id), key)


def _device_id(engine: Engine, *, new_id: str | None) -> str:
    table = DeviceMeta.__table__
    with engine.begin() as conn:
        if new_id is not None:
            conn.execute(table.insert().values(key="device_id", value=new_id))
        return conn.execute(table.select().where(table.c.key == "device_id")).one().value
