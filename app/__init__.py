"""InsideOut: one shared, encrypted, offline-first record for drug workers."""
