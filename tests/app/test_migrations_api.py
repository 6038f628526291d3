"""The programmatic migration API: every kind of target, inside and outside an event loop.

Also: URL normalisation and connection errors, the production guard on both sides (the API and
env.py), and transactional DDL on SQLite (a revision failing half-way leaves nothing behind).
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path
from textwrap import dedent

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from dualtrack.app.engines import async_url, is_async, open_engine
from dualtrack.app.migrate import (
    current,
    current_async,
    downgrade,
    downgrade_async,
    on_connection,
    run_alembic,
    upgrade,
    upgrade_async,
)
from dualtrack.app.models import Crystal
from dualtrack.app.scripts import alembic_config, heads, revisions, script_location
from dualtrack.errors import BackendUnavailable, MigrationError, MigrationRefused
from laws.migrations import DatabaseFactory

HEAD = heads()


def columns_of(url: str, table: str = "crystals") -> list[str]:
    """The column names of ``table``."""
    return on_connection(
        url, lambda c: [column["name"] for column in inspect(c).get_columns(table)]
    )


def tables_of(url: str) -> list[str]:
    """The table names of the database."""
    return on_connection(url, lambda connection: inspect(connection).get_table_names())


def test_sync_upgrade_and_current_outside_a_loop(databases: DatabaseFactory) -> None:
    url = databases()
    assert current(url) == ()
    upgrade(url)
    assert current(url) == HEAD


async def test_async_upgrade_inside_a_running_loop(databases: DatabaseFactory) -> None:
    url = databases()
    await upgrade_async(url, "0001")
    assert await current_async(url) == ("0001",)
    await upgrade_async(url)
    assert await current_async(url) == HEAD


async def test_sync_calls_work_inside_a_running_loop(databases: DatabaseFactory) -> None:
    url = databases()
    upgrade(url, "0002")
    assert current(url) == ("0002",)
    downgrade(url, "0001", environment="development")
    assert await current_async(url) == ("0001",)


async def test_async_engine_is_shared_with_env_and_stays_usable(
    databases: DatabaseFactory,
) -> None:
    engine = open_engine(databases())
    try:
        await upgrade_async(engine)
        assert await current_async(engine) == HEAD
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        async with sessions.begin() as session:
            session.add(Crystal.from_content("after the migration", datum_id="d1", id="c1"))
        async with sessions() as session:
            stored = await session.scalar(select(Crystal).where(Crystal.id == "c1"))
        assert stored is not None
        assert stored.importance == 0.5
        assert stored.summary == "after the migration"
    finally:
        await engine.dispose()


def test_blocking_call_refuses_an_async_engine(sqlite_databases: DatabaseFactory) -> None:
    engine = open_engine(sqlite_databases())
    with pytest.raises(MigrationError, match=r"Await the \*_async variant"):
        upgrade(engine)
    with pytest.raises(MigrationError, match="sync face of an AsyncEngine"):
        upgrade(engine.sync_engine)


def test_blocking_engine_and_sync_driver_urls(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+pysqlite:///{tmp_path / 'sync.db'}")
    try:
        upgrade(engine, "0002")
        assert current(engine) == ("0002",)
    finally:
        engine.dispose()
    url = f"sqlite+pysqlite:///{tmp_path / 'by-url.db'}"
    upgrade(url)
    assert current(url) == HEAD


async def test_async_variants_accept_blocking_targets(tmp_path: Path) -> None:
    url = f"sqlite+pysqlite:///{tmp_path / 'sync.db'}"
    await upgrade_async(url, "0001")
    engine = create_engine(url)
    try:
        await upgrade_async(engine)
        assert await current_async(engine) == HEAD
    finally:
        engine.dispose()


def test_default_target_is_the_configured_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DUALTRACK_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    upgrade()
    assert (tmp_path / "data" / "dualtrack" / "dualtrack.db").is_file()
    assert current() == HEAD
    monkeypatch.setenv("DUALTRACK_DATABASE_URL", f"sqlite:///{tmp_path / 'chosen.db'}")
    upgrade(revision="0001")
    assert current() == ("0001",)
    assert (tmp_path / "chosen.db").is_file()


def test_downgrade_in_production_is_refused_before_connecting(
    sqlite_databases: DatabaseFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = sqlite_databases()
    upgrade(url)
    with pytest.raises(MigrationRefused, match="refusing to downgrade to 'base' in production"):
        downgrade(url, "base", environment="production")
    monkeypatch.setenv("DUALTRACK_ENV", "Production")
    with pytest.raises(MigrationRefused, match="DUALTRACK_ENV=production"):
        downgrade(url, "-1")
    with pytest.raises(MigrationRefused):
        downgrade("postgresql://nobody@127.0.0.1:1/nothing", "base")
    assert current(url) == HEAD
    assert "importance" in columns_of(url)


async def test_async_downgrade_in_production_is_refused(
    sqlite_databases: DatabaseFactory,
) -> None:
    url = sqlite_databases()
    await upgrade_async(url)
    with pytest.raises(MigrationRefused):
        await downgrade_async(url, "0001", environment="production")
    assert await current_async(url) == HEAD


def test_env_refuses_production_downgrades_the_api_did_not_check(
    databases: DatabaseFactory,
) -> None:
    url = databases()
    upgrade(url)
    with pytest.raises(MigrationRefused, match=r"it would run downgrade 0003 -> 0002"):
        run_alembic(url, command.downgrade, "base", environment="production")
    assert current(url) == HEAD
    run_alembic(url, command.upgrade, "heads", environment="production")
    run_alembic(url, command.stamp, "0001", environment="production")
    assert current(url) == ("0001",)


def test_downgrade_outside_production_reverts_revisions(databases: DatabaseFactory) -> None:
    url = databases()
    upgrade(url)
    downgrade(url, "0001", environment="development")
    assert current(url) == ("0001",)
    assert "importance" not in columns_of(url)
    downgrade(url, "base", environment="staging")
    assert current(url) == ()
    upgrade(url)
    assert current(url) == HEAD


def test_a_revision_failing_half_way_leaves_the_database_as_it_was(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    scripts = tmp_path / "scripts"
    shutil.copytree(script_location(), scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "0004_half.py").write_text(
        dedent(
            """
            import sqlalchemy as sa
            from alembic import op

            revision = "0004"
            down_revision = "0003"
            branch_labels = None
            depends_on = None


            def upgrade():
                op.create_table("partial", sa.Column("id", sa.Integer, primary_key=True))
                op.add_column("crystals", sa.Column("weight", sa.Integer, nullable=True))
                op.execute("SELECT no_such_function()")


            def downgrade():
                pass
            """
        )
    )
    url = databases()
    upgrade(url)
    config = alembic_config(scripts)
    with pytest.raises(Exception, match="no_such_function"):
        upgrade(url, config=config)
    assert current(url) == HEAD
    assert "weight" not in columns_of(url)
    assert "partial" not in tables_of(url)


def test_unreachable_databases_raise_backend_unavailable(tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailable, match=r"cannot connect to postgresql\+asyncpg://"):
        upgrade("postgresql://someone:secret@127.0.0.1:1/nothing")
    with pytest.raises(BackendUnavailable) as caught:
        current("postgresql://someone:secret@127.0.0.1:1/nothing")
    assert "secret" not in str(caught.value)
    with pytest.raises(BackendUnavailable, match="cannot connect"):
        upgrade(f"sqlite:///{tmp_path / 'missing' / 'dir' / 'x.db'}")
    with pytest.raises(BackendUnavailable, match="cannot read the URL 'not a url'"):
        upgrade("not a url")
    with pytest.raises(BackendUnavailable, match="names the database 'nosuchdb'"):
        upgrade("nosuchdb+nodriver://host/db")


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("sqlite://tmp/x.db", r"Write sqlite:////tmp/x.db for the absolute path /tmp/x.db"),
        ("sqlite+aiosqlite://tmp/x.db", r"sqlite\+aiosqlite:///tmp/x.db for tmp/x.db under"),
        ("sqlite+pysqlite://x.db", r"or sqlite\+pysqlite:///x.db for x.db under"),
        ("sqlit:///x.db", r"names the database 'sqlit', .* \(did you mean sqlite"),
        ("postgresql+psycopg9://h/db", "names the driver 'psycopg9'"),
    ],
)
def test_a_mistyped_url_is_refused_with_the_fix_and_creates_nothing(
    url: str, said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tmp").mkdir()
    with pytest.raises(BackendUnavailable, match=said) as caught:
        upgrade(url)
    assert "dualtrack[postgres]" not in str(caught.value)
    with pytest.raises(BackendUnavailable, match=said):
        asyncio.run(upgrade_async(url))
    with pytest.raises(BackendUnavailable, match=said):
        current(url)
    assert [p.name for p in tmp_path.rglob("*")] == ["tmp"]


def test_a_missing_postgres_driver_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "asyncpg", None)
    with pytest.raises(BackendUnavailable, match=r"pip install 'dualtrack\[postgres\]'") as caught:
        upgrade("postgresql://someone:secret@127.0.0.1/nothing")
    assert "secret" not in str(caught.value)


def test_alembic_refusals_are_migration_errors(sqlite_databases: DatabaseFactory) -> None:
    url = sqlite_databases()
    with pytest.raises(MigrationError, match="Can't locate revision identified by '9999'"):
        upgrade(url, "9999")
    assert current(url) == ()


def test_urls_without_a_driver_get_the_async_one() -> None:
    assert async_url("sqlite:///x.db").drivername == "sqlite+aiosqlite"
    assert async_url("postgresql://h/db").drivername == "postgresql+asyncpg"
    assert async_url("postgres://h/db").drivername == "postgresql+asyncpg"
    assert async_url("postgresql+psycopg://h/db").drivername == "postgresql+psycopg"
    assert is_async("sqlite:///x.db")
    assert not is_async("sqlite+pysqlite:///x.db")


def test_scripts_are_found_and_ordered() -> None:
    assert script_location() == Path(__file__).resolve().parents[2] / "migrations"
    assert revisions()[0] == "0001"
    assert heads() == revisions()[-1:]
    assert len(revisions()) >= 2


async def test_asking_where_a_database_is_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "never-made.db"
    assert await current_async(f"sqlite+aiosqlite:///{missing}") == ()
    assert current(f"sqlite:///{missing}") == ()
    assert not missing.exists()
