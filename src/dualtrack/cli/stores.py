"""Which store a command works on, and opening it: the URL from the argument, else
``DUALTRACK_MEMORY_URL``, else the default file, as :func:`dualtrack.open_dgent` does.

Commands that only look never create anything: an SQLite file that does not exist is an
error naming it, and SQL stores are opened without creating tables.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from dualtrack.cli.failures import CommandFailed
from dualtrack.config import memory_url
from dualtrack.errors import BackendUnavailable
from dualtrack.memory import DgentProtocol
from dualtrack.memory.urls import open_dgent
from dualtrack.urls import masked

T = TypeVar("T")

#: The namespace commands use when none is given, as stores do.
DEFAULT_NAMESPACE = "default"

#: Help text of every ``--namespace`` option.
NAMESPACE_HELP = "The namespace to work in."


def run(work: Coroutine[Any, Any, T]) -> T:
    """Run a command's async work to completion."""
    return asyncio.run(work)


def chosen_url(argument: str | None, option: str | None = None) -> str:
    """The store URL: the argument or ``--url`` (not both, unless equal), else the default."""
    if argument is not None and option is not None and argument != option:
        raise click.UsageError(
            f"two store URLs given ({masked(argument)} and --url {masked(option)}): give one"
        )
    return argument or option or memory_url()


def _parsed(url: str) -> URL | None:
    try:
        return make_url(url.strip())
    except ArgumentError:
        return None  # open_dgent says what is wrong with it


def sqlite_file(url: str) -> Path | None:
    """The file an SQLite store URL names, or ``None`` for other stores.

    >>> sqlite_file("sqlite:////data/memory.db"), sqlite_file("memory://")
    (PosixPath('/data/memory.db'), None)
    """
    parsed = _parsed(url)
    if parsed is None or parsed.get_backend_name() != "sqlite" or parsed.host:
        return None
    if not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _is_sql(url: str) -> bool:
    parsed = _parsed(url)
    return parsed is not None and parsed.drivername not in ("memory", "sqlite")


async def open_reading(url: str, namespace: str = DEFAULT_NAMESPACE) -> DgentProtocol:
    """The store at ``url`` for looking only: creates no file and no table."""
    path = sqlite_file(url)
    if path is not None and not path.exists():
        raise BackendUnavailable(
            f"no agent memory at {masked(url)}: the file {str(path)!r} does not exist "
            "(check the path; sqlite:///relative.db or sqlite:////absolute/path.db)"
        )
    options: dict[str, Any] = {"namespace": namespace}
    if _is_sql(url):
        options["create_tables"] = False
    return await open_dgent(url, **options)


async def open_writing(url: str, namespace: str = DEFAULT_NAMESPACE) -> DgentProtocol:
    """The store at ``url`` for writing: file and tables are created when missing."""
    return await open_dgent(url, namespace=namespace)


@asynccontextmanager
async def reading(url: str, namespace: str = DEFAULT_NAMESPACE) -> AsyncIterator[DgentProtocol]:
    """:func:`open_reading`, closed afterwards."""
    store = await open_reading(url, namespace)
    try:
        yield store
    finally:
        await store.close()


@asynccontextmanager
async def writing(url: str, namespace: str = DEFAULT_NAMESPACE) -> AsyncIterator[DgentProtocol]:
    """:func:`open_writing`, closed afterwards."""
    store = await open_writing(url, namespace)
    try:
        yield store
    finally:
        await store.close()


async def namespaces_to_use(store: DgentProtocol, wanted: tuple[str, ...]) -> list[str]:
    """``wanted`` (each must hold something in ``store``'s database), or every namespace."""
    present = await store.namespaces()
    if not wanted:
        return present
    missing = [name for name in wanted if name not in present]
    if missing:
        held = ", ".join(repr(name) for name in present) or "none"
        raise CommandFailed(
            f"no namespace {', '.join(repr(n) for n in missing)} in this store "
            f"(namespaces holding data: {held})"
        )
    return list(dict.fromkeys(wanted))
