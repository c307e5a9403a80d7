"""`make bench`: the figures ARCHITECTURE.md budgets, printed as one table."""
