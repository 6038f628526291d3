"""SQLDgent: agent memory in any SQLAlchemy async database (SQLite or PostgreSQL)."""
