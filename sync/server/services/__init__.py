"""Use cases shared by the HTTP API and the admin CLI. They never commit: callers do."""
