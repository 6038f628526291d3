"""An installed wheel carries the migrations, and migrates without the source checkout.

Builds the wheel, installs it into a fresh venv (dependencies from the package index, as for a
user), and from a directory outside the repository runs the programmatic API, sync and from
inside an event loop, against a new SQLite file, and the ``alembic`` command with the shipped
``alembic.ini`` (``alembic -c "$(python -m dualtrack.app.alembic_ini)" upgrade head``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from dualtrack.app.scripts import heads, revisions

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow

CHECK_SCRIPT = """
import asyncio, json, sys
from pathlib import Path
from dualtrack.app.migrate import current, current_async, upgrade, upgrade_async
from dualtrack.app.scripts import heads, script_location

folder = Path(sys.argv[1])
upgrade(f"sqlite:///{folder / 'sync.db'}")

async def inside_a_loop():
    url = f"sqlite:///{folder / 'async.db'}"
    await upgrade_async(url)
    return await current_async(url)

print(json.dumps({
    "scripts": str(script_location()),
    "heads": list(heads()),
    "sync": list(current(f"sqlite:///{folder / 'sync.db'}")),
    "async": list(asyncio.run(inside_a_loop())),
}))
"""

CURRENT_SCRIPT = """
import json, sys
from dualtrack.app.migrate import current
print(json.dumps(list(current(sys.argv[1]))))
"""


def run(command: list[str], cwd: Path, **environment: str) -> str:
    """Run ``command`` with an environment that points at nothing in this repository."""
    dropped = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "DUALTRACK_DATABASE_URL"}
    env = {name: value for name, value in os.environ.items() if name not in dropped}
    env.update(environment)
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}{done.stderr}"
    return done.stdout


def test_installed_wheel_migrates_with_its_own_scripts(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)], cwd=tmp_path)
    (wheel,) = dist.glob("dualtrack-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "dualtrack/migrations/env.py",
        "dualtrack/migrations/script.py.mako",
        "dualtrack/alembic.ini",
    } <= names
    shipped = {name for name in names if name.startswith("dualtrack/migrations/versions/")}
    assert len(shipped) == len(revisions())
    assert not [name for name in names if "__pycache__" in name]

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], cwd=tmp_path)
    work = tmp_path / "elsewhere"
    work.mkdir()
    found = json.loads(run([str(python), "-I", "-c", CHECK_SCRIPT, str(work)], cwd=work))

    assert Path(found["scripts"]).is_relative_to(venv.resolve())
    assert found["heads"] == list(heads())
    assert found["sync"] == found["async"] == list(heads())

    ini = run([str(python), "-I", "-m", "dualtrack.app.alembic_ini"], cwd=work).strip()
    assert Path(ini).is_relative_to(venv.resolve())
    database = work / "shell.db"
    url = f"sqlite:///{database}"
    run(
        [str(venv / "bin" / "alembic"), "-c", ini, "upgrade", "head"],
        work,
        DUALTRACK_DATABASE_URL=url,
    )
    shell = run([str(python), "-I", "-c", CURRENT_SCRIPT, url], cwd=work)
    assert json.loads(shell) == list(heads())
    assert sorted(p.name for p in work.iterdir()) == ["async.db", "shell.db", "sync.db"]
