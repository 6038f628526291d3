"""Where dualtrack keeps its data and which database it talks to, read from the environment.

``DUALTRACK_DATABASE_URL`` names the application-state database (the one Alembic migrates);
without it, dualtrack uses an SQLite file in the user's data directory. ``DUALTRACK_ENV`` names
the environment the process runs in; ``production`` makes migrations forward-only.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

#: The environment variable naming the application-state database URL.
DATABASE_URL_VARIABLE = "DUALTRACK_DATABASE_URL"

#: The environment variable naming the environment (``production``, ``development``, ...).
ENVIRONMENT_VARIABLE = "DUALTRACK_ENV"

#: The SQLite file used for application state when no URL is configured.
DEFAULT_DATABASE_FILE = "dualtrack.db"


def data_dir(*, create: bool = True) -> Path:
    """The user's dualtrack data directory, created if missing (unless ``create=False``).

    It is ``platformdirs.user_data_dir("dualtrack")``: ``~/.local/share/dualtrack`` on Linux
    (or under ``$XDG_DATA_HOME``), ``~/Library/Application Support/dualtrack`` on macOS.
    """
    path = Path(platformdirs.user_data_dir("dualtrack"))
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def make_room_for(database: str) -> None:
    """Create the data directory when ``database`` (an SQLite file's path) lies in it.

    The default files live there: naming one (:func:`database_url`, :func:`memory_url`) creates
    nothing, so a command that only looks leaves no trace; opening one to write makes the folder.
    """
    folder = Path(database).expanduser().absolute().parent
    if folder == data_dir(create=False).absolute():
        folder.mkdir(parents=True, exist_ok=True)


def database_url() -> str:
    """The application-state database URL: ``DUALTRACK_DATABASE_URL``, else the default file.

    The default is ``sqlite+aiosqlite:///<data_dir()>/dualtrack.db``; a URL without a driver
    (``postgresql://...``, ``sqlite:///...``) is given dualtrack's async driver when used.
    """
    configured = os.environ.get(DATABASE_URL_VARIABLE, "").strip()
    if configured:
        return configured
    return f"sqlite+aiosqlite:///{(data_dir(create=False) / DEFAULT_DATABASE_FILE).as_posix()}"


def environment() -> str:
    """The environment this process runs in: ``DUALTRACK_ENV`` lower-cased, else ``development``."""
    return os.environ.get(ENVIRONMENT_VARIABLE, "").strip().lower() or "development"


def is_production(name: str | None = None) -> bool:
    """Whether ``name`` (or, when ``None``, :func:`environment`) is ``production``.

    >>> is_production("Production"), is_production("staging")
    (True, False)
    """
    chosen = environment() if name is None else name.strip().lower()
    return chosen == "production"


#: The environment variable naming the agent-memory URL (``open_dgent``'s default).
MEMORY_URL_VARIABLE = "DUALTRACK_MEMORY_URL"

#: The SQLite file used for agent memory when no URL is configured.
DEFAULT_MEMORY_FILE = "memory.db"


def memory_url() -> str:
    """The agent-memory URL: ``DUALTRACK_MEMORY_URL``, else ``sqlite:///<data_dir()>/memory.db``."""
    configured = os.environ.get(MEMORY_URL_VARIABLE, "").strip()
    if configured:
        return configured
    return f"sqlite:///{(data_dir(create=False) / DEFAULT_MEMORY_FILE).as_posix()}"
