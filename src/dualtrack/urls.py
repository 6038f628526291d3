"""One rule for database URLs, wherever one is given: ``open_dgent``, the migrations API,
``alembic`` from the shell, ``DUALTRACK_MEMORY_URL`` and ``DUALTRACK_DATABASE_URL``.

A URL that cannot be read, names an unknown database or driver, is malformed for its database
(``sqlite://tmp/x.db``: a host where SQLite has none), or names a driver that is not installed
raises :class:`~dualtrack.errors.BackendUnavailable`, naming the URL with its password masked
and saying what to write instead. The same error, from the stores and engines, covers a
database that does not answer. Nothing falls back, and nothing is created where a typo points.
Something that is not a URL at all (not a ``str``) is :class:`~dualtrack.errors.InvalidArgument`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.engine import URL, Dialect, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from dualtrack.errors import BackendUnavailable, InvalidArgument

#: The database names SQLAlchemy knows out of the box, for "did you mean" hints.
KNOWN_DATABASES = ("sqlite", "postgresql", "postgres", "mysql", "mariadb", "oracle", "mssql")

#: What to install for a driver module that is missing, when dualtrack knows it.
INSTALL_HINTS = {"asyncpg": "pip install 'dualtrack[postgres]'"}


def masked(url: object) -> str:
    """``url`` as text with any password replaced by ``***``.

    >>> masked("postgresql://me:secret@db/memory")
    'postgresql://me:***@db/memory'
    """
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    try:
        return make_url(str(url)).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        text = str(url)
        scheme, separator, rest = text.partition("://")
        credentials, at, host = rest.rpartition("@")
        if separator and at and ":" in credentials:
            return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"
        return text


def parsed_or_none(url: object) -> URL | None:
    """``url`` parsed, or ``None`` when it cannot be read (the opener then says why)."""
    if isinstance(url, URL):
        return url
    if not isinstance(url, str):
        return None
    try:
        return make_url(url.strip())
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        return None


def sqlite_file(url: object) -> Path | None:
    """The file an SQLite URL names, or ``None`` for other databases, in-memory SQLite and
    ``file:`` URIs: where connecting would create a file that may not be there yet.

    >>> sqlite_file("sqlite:////data/memory.db"), sqlite_file("memory://")
    (PosixPath('/data/memory.db'), None)
    """
    parsed = parsed_or_none(url)
    if parsed is None or parsed.get_backend_name() != "sqlite" or parsed.host:
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    if parsed.query.get("uri"):
        return None
    return Path(database)


def absent_sqlite_file(url: object) -> Path | None:
    """The SQLite file ``url`` names when it is not there (connecting would create it)."""
    path = sqlite_file(url)
    return path if path is not None and not path.exists() else None


def parse_url(url: str | URL, *, expected: str) -> URL:
    """``url`` parsed, or :class:`BackendUnavailable` saying what was ``expected`` instead.

    >>> parse_url("sqlite:///x.db", expected="a URL").database
    'x.db'
    >>> parse_url("not a url", expected="sqlite:///path")
    Traceback (most recent call last):
    ...
    dualtrack.errors.BackendUnavailable: cannot read the URL 'not a url': write sqlite:///path
    >>> parse_url("postgresql://db:99999/memory", expected="a URL")
    Traceback (most recent call last):
    ...
    dualtrack.errors.BackendUnavailable: the URL 'postgresql://db:99999/memory' names port 99999, \
but ports run from 1 to 65535
    """
    if isinstance(url, URL):
        parsed = url
    elif not isinstance(url, str):
        raise InvalidArgument(f"a database URL is a str, got {type(url).__name__}: {url!r:.60}")
    else:
        try:
            parsed = make_url(url.strip())
        except (ArgumentError, ValueError):  # ValueError: a port that is not a number
            raise BackendUnavailable(
                f"cannot read the URL {masked(url)!r}: write {expected}"
            ) from None
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise BackendUnavailable(
            f"the URL {masked(url)!r} names port {parsed.port}, but ports run from 1 to 65535"
        )
    return parsed


def check_sqlite_url(url: URL) -> None:
    """Refuse an SQLite URL with a host, port or user: its path was given two slashes, not three.

    ``sqlite://tmp/x.db`` reads as host ``tmp`` and file ``x.db``; SQLAlchemy's own engines
    refuse it, but a path taken from it would land in the current directory.

    >>> check_sqlite_url(make_url("sqlite://tmp/x.db"))
    Traceback (most recent call last):
    ...
    dualtrack.errors.BackendUnavailable: 'sqlite://tmp/x.db' has 'tmp' where an SQLite URL has \
nothing: the path follows three slashes. Write sqlite:////tmp/x.db for the absolute path \
/tmp/x.db, or sqlite:///tmp/x.db for tmp/x.db under the current directory
    """
    if url.get_backend_name() != "sqlite":
        return
    extra = url.username or url.password or url.host or url.port
    if not extra:
        return
    where = f"{url.host or ''}{'/' if url.database else ''}{url.database or ''}"
    scheme = url.drivername
    raise BackendUnavailable(
        f"{masked(url)!r} has {extra!r} where an SQLite URL has nothing: the path follows three "
        f"slashes. Write {scheme}:////{where} for the absolute path /{where}, or "
        f"{scheme}:///{where} for {where} under the current directory"
    )


def dialect_of(url: URL) -> type[Dialect]:
    """The SQLAlchemy dialect class ``url`` names, or :class:`BackendUnavailable` saying which
    part is unknown (the database, with the nearest known names, or its driver).

    >>> dialect_of(make_url("sqlite:///x.db")).name
    'sqlite'
    >>> dialect_of(make_url("sqlit:///x.db"))
    Traceback (most recent call last):
    ...
    dualtrack.errors.BackendUnavailable: 'sqlit:///x.db' names the database 'sqlit', which \
SQLAlchemy does not know (did you mean sqlite or mysql?)
    """
    try:
        return url.get_dialect()
    except (NoSuchModuleError, ImportError) as error:
        backend = url.get_backend_name()
        try:
            URL.create(backend).get_dialect()
        except (NoSuchModuleError, ImportError):
            raise BackendUnavailable(
                f"{masked(url)!r} names the database {backend!r}, which SQLAlchemy does not "
                f"know{nearest(backend, KNOWN_DATABASES)}"
            ) from None
        raise BackendUnavailable(
            f"{masked(url)!r} names the driver {url.get_driver_name()!r}, which SQLAlchemy has "
            f"no dialect for on {backend} ({error})"
        ) from None


def driver_missing(url: object, error: ImportError) -> BackendUnavailable:
    """The error for a URL whose driver module is not installed, saying what to install.

    >>> print(driver_missing("postgresql+asyncpg://h/db", ModuleNotFoundError(name="asyncpg")))
    the driver for 'postgresql+asyncpg://h/db' is not installed (no module 'asyncpg'): \
pip install 'dualtrack[postgres]'
    """
    module = (error.name or "").partition(".")[0]
    hint = INSTALL_HINTS.get(module, f"install the package providing the module {module!r}")
    return BackendUnavailable(
        f"the driver for {masked(url)!r} is not installed (no module {module!r}): {hint}"
    )


def nearest(name: str, names: Iterable[str]) -> str:
    """`` (did you mean x?)`` for the names close to ``name``, else nothing.

    >>> nearest("postgress", ["sqlite", "postgres", "postgresql"])
    ' (did you mean postgres or postgresql?)'
    """
    close = difflib.get_close_matches(name, list(names), n=2, cutoff=0.6)
    return f" (did you mean {' or '.join(close)}?)" if close else ""
