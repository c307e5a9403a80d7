"""Handovers in words: the banner's line, the inbox's rows, the dialog's choices.

The state comes from the server's answer: "requested" has not reached it yet (a person
created in the same sync waits one more), "open" waits for the receiving team.
"""

from __future__ import annotations

from datetime import date

from app.services.handover_inbox import HandoverEntry

REASONS = {"release": "Release", "transfer": "Transfer", "move": "Move to another team"}


def reason_words(reason: str) -> str:
    return REASONS.get(reason, reason)


def waiting_for(entry: HandoverEntry, *, inbound: bool) -> str:
    """The inbox's short column, headed 'Waiting for'."""
    if entry.state == "requested":
        return "the next sync (not sent yet)"
    return "you to accept" if inbound else "the other team to accept"


def deadline_words(entry: HandoverEntry, today: date, *, short: bool = False) -> str:
    """'accept by 08/04/2026', or in capitals and counted when it has passed. `short`: the
    inbox's column, headed Accept by."""
    by = entry.handover.accept_by
    late = (today - by).days
    days = f"{late} day{'s' if late != 1 else ''} late"
    if entry.handover.is_overdue(today):
        return f"OVERDUE {days} — {by:%d/%m/%Y}" if short else \
            f"OVERDUE — was due by {by:%d/%m/%Y} ({days})"
    return f"{by:%d/%m/%Y}" if short else f"accept by {by:%d/%m/%Y}"


def banner_words(entry: HandoverEntry, today: date | None = None) -> str:
    """'In handover to Harlow community — waiting to be sent, accept by 08/04/2026'."""
    today = today or date.today()
    state = "waiting to be sent" if entry.state == "requested" else "waiting to be accepted"
    return (f"In handover to {entry.to_team_name} (from {entry.from_team_name}) — "
            f"{state}, {deadline_words(entry, today)}")


def read_only_words(entry: HandoverEntry) -> str:
    """Why every change button on a handed-over record is greyed out."""
    return (f"Read-only: handed over to {entry.to_team_name}. Their team changes the "
            "record from now on; it leaves this laptop once they accept.")
