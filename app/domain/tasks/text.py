"""Dates as task lines show them. Hand-formatted: strftime was most of a list's cost, and
the list is built for hundreds of people each time it opens."""

from __future__ import annotations

from datetime import date

_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def uk(day: date) -> str:
    """16/03/2026"""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def weekday(day: date) -> str:
    """Mon 16/03/2026"""
    return f"{_DAY_NAMES[day.weekday()]} {uk(day)}"


def weekday_short(day: date) -> str:
    """Mon 16/03"""
    return f"{_DAY_NAMES[day.weekday()]} {day.day:02d}/{day.month:02d}"
