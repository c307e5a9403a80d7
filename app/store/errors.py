"""Errors the store raises. Each message is written for the worker who will read it."""

from __future__ import annotations


class StoreError(Exception):
    """Base for every store failure the UI shows to a person."""


class WrongPassphraseError(StoreError):
    def __init__(self) -> None:
        super().__init__(
            "That username and passphrase do not match. Check Caps Lock and try again."
        )


class WrongKeyError(StoreError):
    def __init__(self) -> None:
        super().__init__(
            "The database could not be opened with this key. It may belong to another device "
            "or be damaged. Nothing has been changed; contact IT."
        )


class PlaintextDatabaseError(StoreError):
    def __init__(self, path: object) -> None:
        super().__init__(
            f"Refusing to open {path}: it is not encrypted. InsideOut never runs on an "
            "unencrypted database. Move the file aside and contact IT."
        )


class NewerDatabaseError(StoreError):
    def __init__(self, revision: str) -> None:
        super().__init__(
            f"This database was written by a newer version of InsideOut (schema {revision}). "
            "Install the newer version; nothing has been changed."
        )


class DeviceNotSetUpError(StoreError):
    def __init__(self) -> None:
        super().__init__("This device has not been set up yet. Run the first-run wizard.")
