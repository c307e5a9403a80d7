"""Outcomes over time (issue 21): TOP forms, when they are due, a person's progress, a
team's quarterly figures with small numbers suppressed, and pseudonymised extract rows.

Everything here is pure: the caller passes the records, the day and any key.
"""
