"""RFC 6238 time-based one-time passwords (HMAC-SHA1, 6 digits, 30-second steps), the
kind every authenticator app reads from an `otpauth://` QR code; and recovery codes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote

from sync.server import crypto

STEP_S = 30
DIGITS = 6
# One step either side: a phone's clock a little off, or a code typed as it turned.
DRIFT_STEPS = 1
RECOVERY_CODES = 10
ISSUER = "InsideOut"


def new_secret() -> bytes:
    return secrets.token_bytes(20)  # 160 bits, RFC 4226's recommended length


def secret_text(secret: bytes) -> str:
    """Base32 without padding, in groups of four, as a person types it into an app."""
    raw = base64.b32encode(secret).decode().rstrip("=")
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def otpauth_uri(secret: bytes, *, username: str) -> str:
    label = quote(f"{ISSUER}:{username}")
    raw = base64.b32encode(secret).decode().rstrip("=")
    return f"otpauth://totp/{label}?secret={raw}&issuer={ISSUER}&digits={DIGITS}&period={STEP_S}"


def code_at(secret: bytes, step: int) -> str:
    digest = hmac.new(secret, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_S)


def matching_step(secret: bytes, code: str, *, after: int | None,
                  now: float | None = None) -> int | None:
    """The step `code` belongs to, if it is valid now and later than `after` (the last
    step accepted: a code seen once, say over a shoulder, never works again)."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != DIGITS:
        return None
    here = current_step(now)
    for step in range(here - DRIFT_STEPS, here + DRIFT_STEPS + 1):
        if (after is None or step > after) and hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Each 100 random bits (the enrolment code's shape), so a fast hash is enough."""
    return [crypto.new_enrolment_code() for _ in range(RECOVERY_CODES)]


def recovery_hash(code: str) -> str:
    return crypto.token_hash("recovery:" + crypto.normalise_code(code))
