import json

import pytest

from app.store.errors import WrongPassphraseError
from app.store.keys import KdfParams, KeyWrapFile, new_database_key, unwrap_key, wrap_key

FAST = KdfParams.fast_for_tests()


def test_a_wrapped_key_comes_back_only_with_the_right_passphrase():
    key = new_database_key()
    wrap = wrap_key(key, username="jo", passphrase="right one here", kdf=FAST)
    assert unwrap_key(wrap, "right one here") == key
    with pytest.raises(WrongPassphraseError):
        unwrap_key(wrap, "wrong one here")


def test_a_wrap_cannot_be_moved_to_another_username():
    key = new_database_key()
    wrap = wrap_key(key, username="jo", passphrase="right one here", kdf=FAST)
    moved = type(wrap)("sam", wrap.salt, wrap.nonce, wrap.ciphertext, wrap.kdf)
    with pytest.raises(WrongPassphraseError):
        unwrap_key(moved, "right one here")


def test_the_wraps_file_never_holds_the_key_in_clear(tmp_path):
    key = new_database_key()
    wraps = KeyWrapFile(tmp_path / "keywraps.json")
    wraps.put(wrap_key(key, username="jo", passphrase="right one here", kdf=FAST))
    raw = (tmp_path / "keywraps.json").read_bytes()
    assert bytes(key) not in raw and bytes(key).hex().encode() not in raw
    assert json.loads(raw)["wraps"]["jo"]["kdf"]["time_cost"] == FAST.time_cost
    assert wraps.usernames() == ["jo"]


def test_destroying_the_wraps_removes_the_only_way_in(tmp_path):
    wraps = KeyWrapFile(tmp_path / "keywraps.json")
    wraps.put(wrap_key(new_database_key(), username="jo", passphrase="x" * 12, kdf=FAST))
    wraps.destroy()
    assert not (tmp_path / "keywraps.json").exists()
    assert wraps.get("jo") is None


def test_default_kdf_is_argon2id_with_real_cost():
    params = KdfParams()
    assert params.memory_kib >= 64 * 1024 and params.time_cost >= 3
