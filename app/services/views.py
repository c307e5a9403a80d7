"""Plain values the services hand to the UI and the CLI (no ORM objects leak out)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WorkerInfo:
    id: str
    username: str
    full_name: str
    role: str


@dataclass(frozen=True)
class PersonSummary:
    id: str
    given_name: str
    family_name: str
    date_of_birth: str | None

    @property
    def display_name(self) -> str:
        return f"{self.family_name.upper()}, {self.given_name}"
