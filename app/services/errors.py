"""Errors services raise for the UI: each carries a message a worker can act on."""

from __future__ import annotations


class ServiceError(Exception):
    """Base: str(error) is the message to show."""


class SignInRefused(ServiceError):
    def __init__(self, message: str, *, wait_seconds: float = 0.0) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


class InvalidInput(ServiceError):
    """One or more fields are wrong; `problems` maps field name -> how to fix it."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


class SessionLocked(ServiceError):
    def __init__(self) -> None:
        super().__init__("This session is locked. Sign in again to continue.")


class PossibleDuplicates(ServiceError):
    """Likely existing records of this person; the worker must look before creating."""

    def __init__(self, matches: list) -> None:
        super().__init__(f"{len(matches)} existing record(s) may be this person. Check them "
                         "before creating a new one.")
        self.matches = matches


class NotFound(ServiceError):
    def __init__(self, what: str) -> None:
        super().__init__(f"{what} was not found on this device.")
