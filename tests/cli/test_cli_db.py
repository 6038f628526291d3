"""``dualtrack db``: the migrations API from the shell, on SQLite and PostgreSQL (the installed
command in subprocesses for upgrade, check and the refused downgrade; its ``main`` here for the
rest)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from dualtrack.app.blocking import run_blocking
from dualtrack.app.engines import begin, open_engine
from dualtrack.app.migrate import current
from dualtrack.app.scripts import heads, revisions
from laws.migrations import DatabaseFactory
from tests.cli.cli_support import dualtrack, invoke


async def _add_column(url: str) -> None:
    engine = open_engine(url)
    try:
        async with begin(engine) as connection:
            await connection.execute(text("ALTER TABLE crystals ADD COLUMN mood TEXT"))
    finally:
        await engine.dispose()


def test_upgrade_current_history_check_downgrade(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    url = databases()
    fresh = invoke("db", "current", "--url", url, "--json", home=tmp_path)
    assert fresh.code == 0, fresh
    assert fresh.json()["current"] == []
    assert fresh.json()["heads"] == list(heads())

    behind = invoke("db", "check", "--url", url, home=tmp_path)
    assert behind.code == 1
    assert "run dualtrack db upgrade" in behind.err

    upgraded = dualtrack("db", "upgrade", "--url", url, home=tmp_path)
    assert upgraded.code == 0, upgraded
    assert f"-> {heads()[0]}" in upgraded.err
    assert current(url) == heads()

    history = invoke("db", "history", "--url", url, "--json", home=tmp_path).json()
    assert [row["revision"] for row in history] == list(revisions())
    assert [row["current"] for row in history] == [False] * (len(history) - 1) + [True]
    assert history[-1]["head"] is True
    assert all(row["message"] for row in history)
    table = invoke("db", "history", "--url", url, home=tmp_path)
    assert "head, current" in table.out

    clean = dualtrack("db", "check", "--url", url, "--json", home=tmp_path)
    assert clean.code == 0, clean
    assert clean.json()["differences"] == []

    down = invoke("db", "downgrade", revisions()[-2], "--url", url, home=tmp_path)
    assert down.code == 0, down
    assert current(url) == revisions()[-2:-1]
    again = invoke("db", "upgrade", "--url", url, home=tmp_path)
    assert again.code == 0
    assert current(url) == heads()
    relative = invoke("db", "downgrade", "-1", "--url", url, home=tmp_path)  # as --help shows
    assert relative.code == 0, relative
    assert current(url) == revisions()[-2:-1]
    misspelled = invoke("db", "downgrade", f"--urll={url}", home=tmp_path)
    assert misspelled.code == 2
    assert "No such option '--urll'" in misspelled.err
    assert current(url) == revisions()[-2:-1]


def test_check_names_the_drift(databases: DatabaseFactory, tmp_path: Path) -> None:
    url = databases()
    assert invoke("db", "upgrade", "--url", url, home=tmp_path).code == 0
    run_blocking(_add_column(url))
    drift = invoke("db", "check", "--url", url, home=tmp_path)
    assert drift.code == 1
    assert "crystals.mood" in drift.out
    assert drift.err.startswith("error: ")
    assert "differs from the models in 1 way(s)" in drift.err
    assert "crystals.mood" in drift.err


def test_downgrade_is_refused_in_production(databases: DatabaseFactory, tmp_path: Path) -> None:
    url = databases()
    assert invoke("db", "upgrade", "--url", url, home=tmp_path).code == 0
    refused = dualtrack(
        "db", "downgrade", "base", "--url", url, home=tmp_path, DUALTRACK_ENV="production"
    )
    assert refused.code == 1
    assert refused.err.startswith("error: refusing to downgrade to 'base' in production")
    assert refused.err.count("\n") == 1
    assert current(url) == heads()


def test_the_database_comes_from_the_environment(tmp_path: Path) -> None:
    database = tmp_path / "from-env.db"
    ran = invoke("db", "upgrade", home=tmp_path, DUALTRACK_DATABASE_URL=f"sqlite:///{database}")
    assert ran.code == 0, ran
    assert current(f"sqlite:///{database}") == heads()


def test_looking_at_a_database_not_there_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "never-made.db"
    url = f"sqlite:///{missing}"
    at = invoke("db", "current", "--url", url, "--json", home=tmp_path)
    assert at.code == 0, at
    assert at.json()["current"] == []
    history = invoke("db", "history", "--url", url, "--json", home=tmp_path)
    assert history.code == 0, history
    assert not any(row["current"] for row in history.json())
    checked = invoke("db", "check", "--url", url, home=tmp_path)
    assert checked.code == 1
    assert "does not exist yet; run dualtrack db upgrade" in checked.err
    back = invoke("db", "downgrade", "base", "--url", url, home=tmp_path)
    assert back.code == 1
    assert "so there is nothing to downgrade" in back.err
    default = invoke("db", "current", home=tmp_path, DUALTRACK_DATABASE_URL="")
    assert default.code == 0, default
    assert "base (never migrated)" in default.out
    assert not missing.exists()
    assert not (tmp_path / "data").exists()  # nor the default file's data directory


def test_a_failed_upgrade_of_a_new_file_leaves_none_and_a_url_may_come_first(
    tmp_path: Path,
) -> None:
    typo = tmp_path / "app.db"
    ran = invoke("db", "upgrade", "nosuchrev", "--url", f"sqlite:///{typo}", home=tmp_path)
    assert ran.code == 1
    assert "nosuchrev" in ran.err
    assert sorted(path.name for path in tmp_path.iterdir()) == []
    given_first = invoke("db", "upgrade", f"sqlite:///{typo}", home=tmp_path)
    assert given_first.code == 0, given_first
    assert current(f"sqlite:///{typo}") == heads()
    both = invoke("db", "upgrade", f"sqlite:///{typo}", "--url", f"sqlite:///{typo}", home=tmp_path)
    assert both.code == 2
    assert "is a URL, and --url is given" in both.err
