"""Fixtures the UI tests share."""

import time

import pytest


@pytest.fixture
def in_india(monkeypatch):
    """Local time UTC+5:30, so a time printed as UTC cannot pass for local by accident."""
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
