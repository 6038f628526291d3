"""``open_dgent``: each URL opens the store it names; anything else is a clear error that names
the URL without its password, never a silent fallback."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dualtrack import (
    BackendUnavailable,
    Datum,
    InvalidArgument,
    MemoryDgent,
    SQLDgent,
    SQLiteDgent,
    open_dgent,
)
from dualtrack.config import MEMORY_URL_VARIABLE
from tests.stores.sql_support import POSTGRES_URL, postgres_schema, require_postgres

__all__ = ["postgres_schema"]

passwords = st.text(
    st.characters(whitelist_categories=["Lu", "Ll", "Nd"], max_codepoint=127),
    min_size=6,
    max_size=16,
)


async def test_memory_url_opens_a_memory_store() -> None:
    store = await open_dgent("memory://", namespace="m")
    assert isinstance(store, MemoryDgent)
    assert store.namespace == "m"
    with pytest.raises(BackendUnavailable, match="nothing after the scheme"):
        await open_dgent("memory://somewhere")


async def test_sqlite_url_opens_the_aiosqlite_store(tmp_path: Path) -> None:
    store = await open_dgent(f"sqlite:///{tmp_path / 'memory.db'}", namespace="n")
    try:
        assert isinstance(store, SQLiteDgent)
        await store.put(Datum(id="a", content=b"a", created_at=1.0))
        assert (tmp_path / "memory.db").exists()
    finally:
        await store.close()
    for no_file in ("sqlite://", "sqlite:///:memory:", "sqlite+aiosqlite:///:memory:"):
        with pytest.raises(BackendUnavailable, match="names no file"):
            await open_dgent(no_file)


async def test_sqlite_aiosqlite_url_opens_a_durable_sql_store(tmp_path: Path) -> None:
    store = await open_dgent(f"sqlite+aiosqlite:///{tmp_path / 'sql.db'}", namespace="s")
    try:
        assert isinstance(store, SQLDgent)
        await store.put(Datum(id="a", content=b"a", created_at=1.0))
        async with store.engine.connect() as connection:
            mode = await connection.exec_driver_sql("PRAGMA journal_mode")
            synchronous = await connection.exec_driver_sql("PRAGMA synchronous")
            assert mode.scalar_one() == "wal"
            assert synchronous.scalar_one() == 2  # FULL
    finally:
        await store.close()


@pytest.mark.postgres
@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "postgresql+asyncpg"])
async def test_postgres_urls_open_sql_stores_on_the_server(scheme: str) -> None:
    require_postgres()
    url = POSTGRES_URL.set(drivername=scheme).render_as_string(hide_password=False)
    schema = f"open_{uuid.uuid4().hex[:16]}"
    store = await open_dgent(url, namespace="o", schema=schema, pool_size=2)
    assert isinstance(store, SQLDgent)
    try:
        assert store.engine.dialect.driver == "asyncpg"
        await store.put(Datum(id="a", content=b"a", created_at=1.0))
        assert await store.get("a") is not None
    finally:
        async with store.engine.begin() as connection:
            quoted = store.engine.dialect.identifier_preparer.quote(schema)
            await connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {quoted} CASCADE")
        await store.close()


@given(
    scheme=st.sampled_from(["mongodb", "mysql", "redis", "postgresql+psycopg2"]), secret=passwords
)
@settings(max_examples=25, deadline=None)
def test_unknown_schemes_are_refused_with_the_password_masked(scheme: str, secret: str) -> None:
    import asyncio

    url = f"{scheme}://agent:{secret}@db.example:1234/memory"
    with pytest.raises(BackendUnavailable) as raised:
        asyncio.run(open_dgent(url))
    message = str(raised.value)
    assert secret not in message
    assert "agent:***@db.example:1234/memory" in message
    assert scheme in message


async def test_a_server_that_does_not_answer_is_named_with_the_cause() -> None:
    url = "postgresql://agent:hunter2hunter2@127.0.0.1:1/memory"
    with pytest.raises(BackendUnavailable) as raised:
        await open_dgent(url, connect_timeout=5)
    message = str(raised.value)
    assert "hunter2hunter2" not in message
    assert "postgresql+asyncpg://agent:***@127.0.0.1:1/memory" in message
    assert "refused" in message.lower() or "connect" in message.lower()


@pytest.mark.postgres
async def test_a_missing_database_is_unavailable_not_created() -> None:
    require_postgres()
    url = POSTGRES_URL.set(database="dualtrack_no_such_database").render_as_string(
        hide_password=False
    )
    with pytest.raises(BackendUnavailable, match="dualtrack_no_such_database"):
        await open_dgent(url)


async def test_a_missing_driver_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "asyncpg", None)
    with pytest.raises(BackendUnavailable, match=r"dualtrack\[postgres\]"):
        await open_dgent("postgresql://agent:secret@127.0.0.1/memory")


async def test_the_environment_names_the_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(MEMORY_URL_VARIABLE, "memory://")
    assert isinstance(await open_dgent(), MemoryDgent)
    monkeypatch.setenv(MEMORY_URL_VARIABLE, "mongodb://db/memory")
    with pytest.raises(BackendUnavailable, match="mongodb"):
        await open_dgent()
    monkeypatch.delenv(MEMORY_URL_VARIABLE)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert not (tmp_path / "dualtrack").exists()
    store = await open_dgent()  # the default file's folder is made when the store opens
    try:
        assert isinstance(store, SQLiteDgent)
        assert Path(store.path) == tmp_path / "dualtrack" / "memory.db"
    finally:
        await store.close()


async def test_options_a_store_does_not_take_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument, match="pool_size"):
        await open_dgent("memory://", pool_size=3)
    with pytest.raises(InvalidArgument, match="schema"):
        await open_dgent(f"sqlite:///{tmp_path / 'x.db'}", schema="elsewhere")
    with pytest.raises(InvalidArgument, match="cannot make an engine"):
        await open_dgent(f"sqlite+aiosqlite:///{tmp_path / 'y.db'}", no_such_option=1)


def test_importing_dualtrack_needs_no_postgres_driver() -> None:
    code = (
        "import sys; sys.modules['asyncpg'] = None; import dualtrack; "
        "from dualtrack import SQLDgent, open_dgent; print('imported')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "imported"


@pytest.mark.parametrize(
    ("url", "fix"),
    [
        ("sqlite://tmp/x.db", "Write sqlite:////tmp/x.db for the absolute path /tmp/x.db"),
        ("sqlite://x.db", "or sqlite:///x.db for x.db under the current directory"),
        ("sqlite+aiosqlite://tmp/y.db", "sqlite+aiosqlite:///tmp/y.db for tmp/y.db under"),
        ("sqlit:///x.db", "did you mean sqlite"),
    ],
)
async def test_a_mistyped_url_is_refused_with_the_fix_and_creates_nothing(
    url: str, fix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BackendUnavailable) as raised:
        await open_dgent(url)
    assert fix in str(raised.value)
    assert not any(tmp_path.iterdir()), "a mistyped URL created a file"  # noqa: ASYNC240


async def test_open_dgent_is_awaitable_and_an_async_context_manager(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'memory.db'}"
    async with open_dgent(url, namespace="a") as store:
        assert isinstance(store, SQLiteDgent)
        await store.put(Datum(id="a", content=b"a", created_at=1.0))
    with pytest.raises(BackendUnavailable, match="closed"):
        await store.get("a")
    opened = await open_dgent(url, namespace="a")
    try:
        assert await opened.get("a") is not None
    finally:
        await opened.close()
    async with open_dgent("memory://") as memory:
        assert isinstance(memory, MemoryDgent)
    with pytest.raises(BackendUnavailable):
        async with open_dgent("mongodb://db/memory"):
            pytest.fail("a bad URL entered the block")


def test_open_dgent_runs_under_asyncio_run() -> None:
    import asyncio

    store = asyncio.run(open_dgent("memory://", namespace="run"))
    assert store.namespace == "run"


@pytest.mark.postgres
async def test_a_postgres_url_carries_libpq_parameters_and_a_schema(postgres_schema: str) -> None:
    url = POSTGRES_URL.update_query_dict(
        {"sslmode": "disable", "application_name": "dualtrack-test", "schema": postgres_schema}
    ).render_as_string(hide_password=False)
    async with open_dgent(url, namespace="o", pool_size=2) as store:
        assert isinstance(store, SQLDgent)
        assert store.tables.datums.schema == postgres_schema
        await store.put(Datum(id="a", content=b"a", created_at=1.0))
        async with store.engine.connect() as connection:
            shown = await connection.exec_driver_sql("SHOW application_name")
            assert shown.scalar_one() == "dualtrack-test"


@pytest.mark.parametrize(
    ("query", "refusal"),
    [
        ("?sslmod=disable", "the parameter 'sslmod', which neither dualtrack nor asyncpg takes"),
        ("?schema=a&schema=b", "gives the parameter 'schema' twice"),
        ("?connect_timeout=soon", "connect_timeout for .* must be positive seconds"),
    ],
)
async def test_a_postgres_url_parameter_no_one_takes_is_refused_by_name(
    query: str, refusal: str
) -> None:
    with pytest.raises(InvalidArgument, match=refusal):
        await open_dgent(f"postgresql://agent@127.0.0.1:1/memory{query}")
