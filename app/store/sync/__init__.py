"""The laptop's sync bookkeeping: which tables sync, the outbox every local edit writes,
what the sync client reads and writes (the pushed changes, the pulled pages and their
cursor), rows set aside, conflicts and each worker's sync credential.

A new synced table is a model, a migration and one line in `tables.TABLES`; the outbox
and the pull side follow from that line.
"""
