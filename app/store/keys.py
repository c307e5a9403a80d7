"""The database key and the per-worker passphrase wraps that protect it.

The SQLCipher key is 32 random bytes. Each worker's passphrase is stretched with
Argon2id into a key-encryption key which wraps the database key with AES-GCM; the
wraps live in a JSON file beside the database. The file holds no secret a guess
could skip: every guess costs one Argon2id run.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.store.errors import WrongPassphraseError
from app.store.files import write_atomically

KEY_BYTES = 32
_AAD_PREFIX = b"insideout-keywrap-v1|"


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost: about 0.17 s on the 2-core reference machine, so unlock stays well
    inside its 0.6 s budget on slower laptops while each offline guess stays expensive."""

    time_cost: int = 3
    memory_kib: int = 128 * 1024
    parallelism: int = 2

    @classmethod
    def fast_for_tests(cls) -> KdfParams:
        return cls(time_cost=1, memory_kib=8 * 1024, parallelism=1)


@dataclass(frozen=True)
class KeyWrap:
    username: str
    salt: bytes
    nonce: bytes
    ciphertext: bytes
    kdf: KdfParams


def new_database_key() -> bytearray:
    # bytearray so that lock can overwrite it in place; Python may still hold
    # transient copies (hex strings for the PRAGMA), which is the best we can do here.
    return bytearray(secrets.token_bytes(KEY_BYTES))


def _kek(passphrase: str, salt: bytes, kdf: KdfParams) -> bytes:
    return hash_secret_raw(
        passphrase.encode("utf-8"), salt, kdf.time_cost, kdf.memory_kib, kdf.parallelism,
        KEY_BYTES, Type.ID,
    )


def wrap_key(key: bytes | bytearray, *, username: str, passphrase: str, kdf: KdfParams) -> KeyWrap:
    salt, nonce = os.urandom(16), os.urandom(12)
    aad = _AAD_PREFIX + username.encode()
    ciphertext = AESGCM(_kek(passphrase, salt, kdf)).encrypt(nonce, bytes(key), aad)
    return KeyWrap(username, salt, nonce, ciphertext, kdf)


def unwrap_key(wrap: KeyWrap, passphrase: str) -> bytearray:
    aad = _AAD_PREFIX + wrap.username.encode()
    try:
        kek = AESGCM(_kek(passphrase, wrap.salt, wrap.kdf))
        plain = kek.decrypt(wrap.nonce, wrap.ciphertext, aad)
    except InvalidTag:
        raise WrongPassphraseError() from None
    return bytearray(plain)


@dataclass(frozen=True)
class SignInServer:
    """The server and the device's sign-in key: good for worker sign-in only, never sync."""

    url: str
    key: str = field(repr=False)


class KeyWrapFile:
    """The wraps of one device, one per worker who may sign in on it."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def exists(self) -> bool:
        return self._path.exists()

    def usernames(self) -> list[str]:
        return sorted(self._load())

    def get(self, username: str) -> KeyWrap | None:
        return self._load().get(username)

    def put(self, wrap: KeyWrap) -> None:
        raw = self._raw()
        raw.setdefault("wraps", {})[wrap.username] = _encode(wrap)
        self._save(raw)

    def remove(self, username: str) -> None:
        """This worker can no longer unlock the device (their account was switched off)."""
        raw = self._raw()
        if raw.get("wraps", {}).pop(username, None) is not None:
            self._save(raw)

    def destroy(self) -> None:
        """Make the database unreadable on this device (revocation, wipe)."""
        if self._path.exists():
            size = self._path.stat().st_size
            with self._path.open("r+b") as handle:
                handle.write(secrets.token_bytes(size))
                handle.flush()
                os.fsync(handle.fileno())
            self._path.unlink()

    def sign_in_server(self) -> SignInServer | None:
        """Where a worker new to this enrolled device signs in first (None: standalone)."""
        server = self._raw().get("sign_in_server")
        return SignInServer(server["url"], server["key"]) if server else None

    def put_sign_in_server(self, server: SignInServer) -> None:
        # In this file so that destroying the wraps destroys the sign-in key too.
        raw = self._raw()
        raw["sign_in_server"] = {"url": server.url, "key": server.key}
        self._save(raw)

    def drop_sign_in_server(self) -> None:
        """The server withdrew the key: new workers wait until a sync fetches another."""
        raw = self._raw()
        raw.pop("sign_in_server", None)
        self._save(raw)

    def _raw(self) -> dict:
        """The file as it is: {"version", "wraps": {username: wrap}, "sign_in_server"?}."""
        if not self._path.exists():
            return {}
        return json.loads(self._path.read_text(encoding="utf-8"))

    def _load(self) -> dict[str, KeyWrap]:
        return {name: _decode(name, item) for name, item in self._raw().get("wraps", {}).items()}

    def _save(self, raw: dict) -> None:
        write_atomically(self._path, json.dumps({**raw, "version": 1}, indent=2).encode())


def _encode(wrap: KeyWrap) -> dict[str, object]:
    b64 = base64.b64encode
    return {
        "salt": b64(wrap.salt).decode(), "nonce": b64(wrap.nonce).decode(),
        "ciphertext": b64(wrap.ciphertext).decode(), "kdf": asdict(wrap.kdf),
    }


def _decode(username: str, item: dict) -> KeyWrap:
    b64 = base64.b64decode
    return KeyWrap(username, b64(item["salt"]), b64(item["nonce"]), b64(item["ciphertext"]),
                   KdfParams(**item["kdf"]))
