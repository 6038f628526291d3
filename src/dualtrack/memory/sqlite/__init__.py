"""SQLiteDgent: agent memory in one SQLite file through aiosqlite, committed by one writer."""
