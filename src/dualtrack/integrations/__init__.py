"""Bridges from dualtrack stores to other frameworks; each imports its framework only inside."""
