"""The console's TOTP against RFC 6238's own test values (SHA-1, the last six digits)."""

from __future__ import annotations

import pytest

from sync.server.console import totp

RFC_SECRET = b"12345678901234567890"


@pytest.mark.parametrize(("unix_time", "code"), [
    (59, "287082"), (1111111109, "081804"), (1234567890, "005924"), (2000000000, "279037")])
def test_codes_match_rfc_6238(unix_time, code):
    assert totp.code_at(RFC_SECRET, unix_time // totp.STEP_S) == code


def test_a_code_is_good_one_step_either_side_and_once_only():
    now = 1234567890.0
    step = totp.current_step(now)
    assert totp.matching_step(RFC_SECRET, "005924", after=None, now=now) == step
    assert totp.matching_step(RFC_SECRET, "005924", after=None, now=now + 30) == step
    assert totp.matching_step(RFC_SECRET, "005924", after=None, now=now + 90) is None
    assert totp.matching_step(RFC_SECRET, "005924", after=step, now=now) is None  # replay
    assert totp.matching_step(RFC_SECRET, "005 924", after=None, now=now) == step


def test_the_qr_uri_carries_the_secret_an_app_reads():
    uri = totp.otpauth_uri(RFC_SECRET, username="ita")
    assert uri.startswith("otpauth://totp/InsideOut%3Aita?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
    assert "issuer=InsideOut" in uri
