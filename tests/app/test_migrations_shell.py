"""``alembic`` from the shell, in the repository root, as a developer runs it.

The database comes from ``DUALTRACK_DATABASE_URL``, else the SQLite file in the user's data
directory (``XDG_DATA_HOME`` points that at the test's temporary directory).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dualtrack.app.migrate import current
from dualtrack.app.scripts import heads
from laws.migrations import DatabaseFactory

ROOT = Path(__file__).resolve().parents[2]
ALEMBIC = Path(sys.executable).parent / "alembic"


def alembic(*arguments: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """Run the venv's ``alembic`` in the repository root with extra environment variables."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DUALTRACK_DATABASE_URL", "DUALTRACK_ENV")
    }
    env.update(environment)
    return subprocess.run(
        [str(ALEMBIC), *arguments], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_upgrade_head_from_the_shell(databases: DatabaseFactory, tmp_path: Path) -> None:
    url = databases()
    done = alembic("upgrade", "head", DUALTRACK_DATABASE_URL=url, XDG_DATA_HOME=str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "Running upgrade 0002 -> 0003" in done.stderr
    assert current(url) == heads()
    assert not (tmp_path / "dualtrack").exists()


def test_upgrade_head_defaults_to_the_user_data_directory(tmp_path: Path) -> None:
    done = alembic("upgrade", "head", XDG_DATA_HOME=str(tmp_path / "data"))
    assert done.returncode == 0, done.stderr
    database = tmp_path / "data" / "dualtrack" / "dualtrack.db"
    assert database.is_file()
    assert current(f"sqlite:///{database}") == heads()


def test_downgrade_from_the_shell_is_refused_in_production(
    sqlite_databases: DatabaseFactory,
) -> None:
    url = sqlite_databases()
    assert alembic("upgrade", "head", DUALTRACK_DATABASE_URL=url).returncode == 0
    refused = alembic("downgrade", "-1", DUALTRACK_DATABASE_URL=url, DUALTRACK_ENV="production")
    assert refused.returncode != 0
    assert "MigrationRefused: refusing to downgrade in production" in refused.stderr
    assert current(url) == heads()
    allowed = alembic("downgrade", "base", DUALTRACK_DATABASE_URL=url)
    assert allowed.returncode == 0, allowed.stderr
    assert current(url) == ()


def test_offline_sql_is_rendered_for_the_dialect() -> None:
    done = alembic(
        "upgrade", "head", "--sql", DUALTRACK_DATABASE_URL="postgresql://nobody@127.0.0.1:1/x"
    )
    assert done.returncode == 0, done.stderr
    assert "created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL" in done.stdout
    assert "tags JSONB NOT NULL" in done.stdout
    sqlite = alembic("upgrade", "head", "--sql", DUALTRACK_DATABASE_URL="sqlite:///unused.db")
    assert sqlite.returncode == 0, sqlite.stderr
    assert "DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))" in sqlite.stdout
