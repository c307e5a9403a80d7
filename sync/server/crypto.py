"""Secrets: the master key, escrow sealing, random tokens and password hashes.

The master key never enters the database: it comes from INSIDEOUT_SERVER_MASTER_KEY or
from a 0600 key file in the server data directory. A database backup alone therefore
cannot open an escrowed store key, a team's data key, or the record those seal
(services/sealing.py).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from sync.server.settings import MASTER_KEY_ENV, Settings

KEY_BYTES = 32
NONCE_BYTES = 12
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud


class MasterKeyError(RuntimeError):
    pass


def load_master_key(settings: Settings, *, create: bool) -> bytes:
    """The environment wins; otherwise the key file, made on first start if `create`."""
    from_env = os.environ.get(MASTER_KEY_ENV)
    if from_env:
        return _decode_key(from_env, MASTER_KEY_ENV)
    path = settings.master_key_path
    if not path.exists():
        if not create:
            raise MasterKeyError(f"no master key at {path} and {MASTER_KEY_ENV} is not set")
        _create_key_file(path)
    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise MasterKeyError(f"{path} is readable by others; run: chmod 600 {path}")
    return _decode_key(path.read_text(encoding="ascii").strip(), str(path))


def _decode_key(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise MasterKeyError(f"{where} is not base64") from None
    if len(key) != KEY_BYTES:
        raise MasterKeyError(f"{where} must hold {KEY_BYTES} bytes, not {len(key)}")
    return key


def _create_key_file(path: Path) -> None:
    """Write to a private temp file, then hard-link it into place.

    link() fails if the name exists, so two processes starting at once cannot end up
    with different keys: the loser simply reads the winner's file.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, base64.b64encode(secrets.token_bytes(KEY_BYTES)) + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def seal(master_key: bytes, plaintext: bytes, *, context: str) -> tuple[bytes, bytes]:
    """AES-256-GCM. `context` (the device id) is bound as associated data, so a sealed
    key copied onto another device's row fails to open."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce, AESGCM(master_key).encrypt(nonce, plaintext, context.encode())


def unseal(master_key: bytes, nonce: bytes, ciphertext: bytes, *, context: str) -> bytes:
    return AESGCM(master_key).decrypt(nonce, ciphertext, context.encode())


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    # Tokens and codes carry >=100 random bits, so a fast hash is enough: nobody can
    # brute-force them, and lookup by hash must be cheap on every request.
    return hashlib.sha256(token.encode()).hexdigest()


def new_enrolment_code() -> str:
    """Twenty characters in groups of five (100 bits), e.g. K7QF2-M9XPA-..."""
    chars = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(20))
    return "-".join(chars[i : i + 5] for i in range(0, 20, 5))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def password_hasher(settings: Settings) -> PasswordHasher:
    return PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_kib,
        parallelism=1,
        type=Type.ID,
    )


def verify_password(hasher: PasswordHasher, stored_hash: str, password: str) -> bool:
    try:
        return hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def derive_key(master_key: bytes, label: str) -> bytes:
    """A 256-bit key for one purpose (HKDF-SHA256, `label` as its info): the keys that
    wrap team data keys, hash lookup values and seal registry copies are each derived
    from the master key under their own label, so none can stand in for another."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
                info=label.encode()).derive(master_key)
