"""Fixtures shared across test modules: fresh SQLite files and PostgreSQL databases."""

pytest_plugins = ["tests.scratch_databases"]
