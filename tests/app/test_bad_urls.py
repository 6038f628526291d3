"""One rule for a bad URL, on every entry point that takes one: ``BackendUnavailable`` naming
the URL with its password masked, nothing created where the typo points.

The entry points: ``open_dgent`` (every store, ``SQLDgent`` URLs included), the migrations API
sync and async, and the two environment variables that stand in for a URL. (``alembic`` from
the shell reports the same error as one line: ``test_migrations_shell.py``.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from dualtrack import (
    BackendUnavailable,
    InvalidArgument,
    current,
    open_dgent,
    upgrade,
    upgrade_async,
)
from dualtrack.app.migrate import downgrade
from dualtrack.config import DATABASE_URL_VARIABLE, MEMORY_URL_VARIABLE

BAD_URLS = [
    "sqlite://tmp/x.db",
    "sqlite+aiosqlite://tmp/y.db",
    "sqlite://agent:hunter2secret@tmp/x.db",
    "not a url",
    "sqlit:///x.db",
    "mongodb://agent:hunter2secret@db.example/memory",
    "postgresql+nodriver://agent:hunter2secret@db.example/memory",
    "postgresql://agent:hunter2secret@127.0.0.1:99999/memory",
    "postgresql://agent:hunter2secret@127.0.0.1:abc/memory",
]


def open_and_close(url: str | None) -> None:
    """Open the store ``url`` names (closing it, should it open)."""

    async def run() -> None:
        async with open_dgent(url):
            pass

    asyncio.run(run())


ENTRY_POINTS: dict[str, Callable[[str], object]] = {
    "open_dgent": open_and_close,
    "upgrade": upgrade,
    "upgrade_async": lambda url: asyncio.run(upgrade_async(url)),
    "current": current,
    "downgrade": lambda url: downgrade(url, "base", environment="development"),
}


@pytest.mark.parametrize("url", BAD_URLS)
@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_a_bad_url_is_backend_unavailable_everywhere(
    entry: str, url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BackendUnavailable) as caught:
        ENTRY_POINTS[entry](url)
    message = str(caught.value)
    assert "hunter2secret" not in message
    assert url.split("://")[0].split(" ")[0] in message
    assert list(tmp_path.iterdir()) == [], "a bad URL created a file"


@pytest.mark.parametrize("url", BAD_URLS)
def test_the_url_variables_follow_the_same_rule(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(MEMORY_URL_VARIABLE, url)
    monkeypatch.setenv(DATABASE_URL_VARIABLE, url)
    with pytest.raises(BackendUnavailable):
        open_and_close(None)
    with pytest.raises(BackendUnavailable):
        upgrade()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_something_that_is_not_a_url_is_an_invalid_argument(entry: str) -> None:
    with pytest.raises(InvalidArgument, match="a database URL is a str, got int"):
        ENTRY_POINTS[entry](42)  # type: ignore[arg-type]
