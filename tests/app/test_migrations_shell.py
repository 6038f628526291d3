"""``alembic`` from the shell: in the repository root, as a developer runs it, and from any
other directory through ``alembic -c "$(python -m dualtrack.app.alembic_ini)"``.

The database comes from ``DUALTRACK_DATABASE_URL``, else the SQLite file in the user's data
directory (``XDG_DATA_HOME`` points that at the test's temporary directory). dualtrack's own
errors come out as alembic's one ``FAILED:`` line, never a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dualtrack.app.migrate import current
from dualtrack.app.scripts import heads
from laws.migrations import DatabaseFactory

ROOT = Path(__file__).resolve().parents[2]
ALEMBIC = Path(sys.executable).parent / "alembic"


def alembic(
    *arguments: str, cwd: Path = ROOT, **environment: str
) -> subprocess.CompletedProcess[str]:
    """Run the venv's ``alembic`` in ``cwd`` (the repository root) with extra environment
    variables."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DUALTRACK_DATABASE_URL", "DUALTRACK_ENV", "ALEMBIC_CONFIG")
    }
    env.update(environment)
    return subprocess.run(
        [str(ALEMBIC), *arguments], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def ini_path(cwd: Path) -> str:
    """What ``python -m dualtrack.app.alembic_ini`` prints, run in ``cwd``."""
    done = subprocess.run(
        [sys.executable, "-m", "dualtrack.app.alembic_ini"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip()


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
    assert "FAILED: MigrationRefused: refusing to downgrade in production" in refused.stdout
    assert "Traceback" not in refused.stderr
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


def test_alembic_runs_from_any_directory_with_the_shipped_ini(
    sqlite_databases: DatabaseFactory, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    ini = ini_path(elsewhere)
    assert Path(ini).name == "alembic.ini"
    url = sqlite_databases()
    done = alembic("-c", ini, "upgrade", "0002", cwd=elsewhere, DUALTRACK_DATABASE_URL=url)
    assert done.returncode == 0, done.stderr
    assert current(url) == ("0002",)
    again = alembic(
        "upgrade", "head", cwd=elsewhere, DUALTRACK_DATABASE_URL=url, ALEMBIC_CONFIG=ini
    )
    assert again.returncode == 0, again.stderr
    assert current(url) == heads()
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize(
    ("url", "said", "not_said"),
    [
        ("sqlite://tmp/x.db", "Write sqlite:////tmp/x.db for the absolute path", "postgres"),
        ("sqlit:///x.db", "names the database 'sqlit'", "dualtrack[postgres]"),
        ("not a url", "cannot read the URL 'not a url'", "postgres]"),
    ],
)
def test_a_bad_url_from_the_shell_is_one_line_with_the_fix(
    url: str, said: str, not_said: str, tmp_path: Path
) -> None:
    ini = ini_path(tmp_path)
    done = alembic("-c", ini, "upgrade", "head", cwd=tmp_path, DUALTRACK_DATABASE_URL=url)
    assert done.returncode != 0
    assert "FAILED: BackendUnavailable: " in done.stdout
    assert said in done.stdout
    assert not_said not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_concurrent_upgrades_from_the_shell_both_succeed_quietly(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    url = databases()
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DUALTRACK_DATABASE_URL", "DUALTRACK_ENV", "ALEMBIC_CONFIG")
    }
    env.update(DUALTRACK_DATABASE_URL=url, XDG_DATA_HOME=str(tmp_path))
    runs = [
        subprocess.Popen(
            [str(ALEMBIC), "upgrade", "head"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outcomes = [(run.wait(timeout=120), run.communicate()[1]) for run in runs]
    for code, stderr in outcomes:
        assert code == 0, stderr
        assert "Traceback" not in stderr
    ran = [stderr for _, stderr in outcomes if "Running upgrade 0002 -> 0003" in stderr]
    assert len(ran) == 1  # one did the work; the others waited and found nothing to do
    assert current(url) == heads()
