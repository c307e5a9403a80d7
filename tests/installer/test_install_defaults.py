"""IT's install-time defaults file sits beneath each device's own settings.json."""

import json
import sys

import pytest

from app.config import DEFAULTS_FILE_ENV, Settings, install_defaults_file


@pytest.fixture
def it_defaults(tmp_path, monkeypatch):
    path = tmp_path / "insideout-defaults.json"
    path.write_text(json.dumps({"server_url": "https://sync.example.org", "idle_lock_minutes": 3,
                                "unknown_key": "ignored"}), encoding="utf-8")
    monkeypatch.setenv(DEFAULTS_FILE_ENV, str(path))
    return path


def test_defaults_apply_when_the_device_has_no_settings(it_defaults, tmp_path):
    settings = Settings.load(tmp_path / "settings.json")
    assert settings.server_url == "https://sync.example.org"
    assert settings.idle_lock_minutes == 3
    assert settings.stale_section_days == Settings().stale_section_days


def test_the_device_settings_win_over_the_defaults(it_defaults, tmp_path):
    device = tmp_path / "settings.json"
    device.write_text(json.dumps({"server_url": "https://other.example.org"}), encoding="utf-8")
    settings = Settings.load(device)
    assert settings.server_url == "https://other.example.org"
    assert settings.idle_lock_minutes == 3  # not set on the device: IT's value stands


def test_save_keeps_only_what_the_device_changed(it_defaults, tmp_path):
    device = tmp_path / "settings.json"
    Settings.load(device).save(device)
    assert json.loads(device.read_text(encoding="utf-8")) == {}
    it_defaults.write_text(json.dumps({"server_url": "https://moved.example.org"}))
    assert Settings.load(device).server_url == "https://moved.example.org"


def test_save_and_load_round_trip_a_change(it_defaults, tmp_path):
    device = tmp_path / "settings.json"
    changed = Settings(idle_lock_minutes=10, server_url="https://sync.example.org")
    changed.save(device)
    assert json.loads(device.read_text(encoding="utf-8")) == {"idle_lock_minutes": 10}
    assert Settings.load(device) == Settings(idle_lock_minutes=10, server_url="https://sync.example.org")


def test_no_defaults_file_in_a_source_checkout(monkeypatch, tmp_path):
    monkeypatch.delenv(DEFAULTS_FILE_ENV, raising=False)
    assert install_defaults_file() is None
    assert Settings.load(tmp_path / "settings.json") == Settings()


def test_a_frozen_build_looks_beside_its_executable(monkeypatch, tmp_path):
    monkeypatch.delenv(DEFAULTS_FILE_ENV, raising=False)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "InsideOut.exe"))
    assert install_defaults_file() == tmp_path / "insideout-defaults.json"


def test_a_defaults_file_that_is_not_an_object_is_refused(monkeypatch, tmp_path):
    bad = tmp_path / "insideout-defaults.json"
    bad.write_text('["https://sync.example.org"]', encoding="utf-8")
    monkeypatch.setenv(DEFAULTS_FILE_ENV, str(bad))
    with pytest.raises(ValueError, match="expected a JSON object"):
        Settings.load(tmp_path / "settings.json")
