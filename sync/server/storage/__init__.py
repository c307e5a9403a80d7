"""How the server drives its database, apart from what the sync decides.

The sync rules (services/sync_push, sync_pull, sync_checks, sync_merge, access,
registry) say what is accepted, merged, refused and sent to whom. This package says how
that reaches PostgreSQL or SQLite quickly: set-based statements over unnested arrays,
pipelines, the commit sent with the last statement, advisory locks, the feed page query,
the seq counters and the feed cache, as Kinto keeps its storage backends apart from its
resources. The rules call the functions here and never build dialect SQL themselves.
"""
