"""A wheel built from the repository installs in a fresh venv, both packages work there, and
it migrates with its own scripts.

The wheel is built and installed once for the module; its dependencies come from the package
index, as for a user. The check scripts run isolated (``python -I``) from temporary
directories, so nothing of the repository can leak in.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from dualtrack.app.scripts import heads, revisions

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow

#: Runs inside the fresh venv and prints what it found as JSON.
CHECK_SCRIPT = """
import json
from dataclasses import dataclass
from importlib.resources import files

import dualtrack
import laws
from dualtrack import attr, each, index, key


@dataclass(frozen=True)
class Person:
    name: str
    age: int


data = {"team": [Person("Ada", 36), Person("Grace", 45)]}
last_name = key("team") >> index(-1) >> attr("name")
ages = key("team") >> each() >> attr("age")
renamed = last_name.set(data, "Hopper")
print(json.dumps({
    "dualtrack_file": dualtrack.__file__,
    "laws_file": laws.__file__,
    "unresolved": [n for n in dualtrack.__all__ if not hasattr(dualtrack, n)],
    "laws_unresolved": [n for n in laws.__all__ if not hasattr(laws, n)],
    "py_typed": [files(p).joinpath("py.typed").is_file() for p in ("dualtrack", "laws")],
    "last_name": last_name.get(data),
    "renamed": [p.name for p in renamed["team"]],
    "unchanged": [p.name for p in data["team"]],
    "ages": ages.get_all(ages.modify(data, lambda n: n + 1)),
    "kind": ages.kind,
}))
"""

#: Runs the migrations API inside the fresh venv, sync and from inside an event loop.
MIGRATE_SCRIPT = """
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

#: Prints the revision of the database at ``sys.argv[1]``.
CURRENT_SCRIPT = """
import json, sys
from dualtrack.app.migrate import current
print(json.dumps(list(current(sys.argv[1]))))
"""


def clean_environment() -> dict[str, str]:
    """This process's environment without anything pointing Python at this repo or venv."""
    dropped = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP", "DUALTRACK_DATABASE_URL"}
    return {name: value for name, value in os.environ.items() if name not in dropped}


def run(command: list[str], cwd: Path, **environment: str) -> str:
    """Run a command to completion, failing the test with its output if it fails."""
    started = time.monotonic()
    done = subprocess.run(
        command,
        cwd=cwd,
        env=clean_environment() | environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    took = time.monotonic() - started
    assert done.returncode == 0, f"{command} failed after {took:.1f}s:\n{done.stdout}{done.stderr}"
    print(f"{took:5.1f}s  {' '.join(command[:3])}")
    return done.stdout


def build_wheel(out: Path) -> Path:
    """A wheel built from the working tree into ``out``, as ``python -m build --wheel`` makes it."""
    run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)], cwd=out)
    (built,) = out.glob("dualtrack-*.whl")
    return built


def install(wheel: Path, venv: Path) -> Path:
    """A fresh venv at ``venv`` with ``wheel`` and its dependencies installed, as ``pip``
    installs them."""
    run([sys.executable, "-m", "venv", str(venv)], cwd=venv.parent)
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)], cwd=venv)
    return venv


def test_the_wheel_installs_works_and_migrates_in_a_fresh_venv(tmp_path: Path) -> None:
    """One test, so the wheel is built and installed once (each takes seconds)."""
    (tmp_path / "dist").mkdir()
    wheel = build_wheel(tmp_path / "dist")
    ships_both_packages_typed(wheel)
    venv = install(wheel, tmp_path / "venv")
    (tmp_path / "works").mkdir()
    works(venv, tmp_path / "works")
    (tmp_path / "migrates").mkdir()
    migrates_with_its_own_scripts(venv, tmp_path / "migrates")


def ships_both_packages_typed(wheel: Path) -> None:
    """Both packages, typed, with the migrations and nothing of the repository besides."""
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"dualtrack/__init__.py", "dualtrack/py.typed"} <= names
    assert {
        "dualtrack/migrations/env.py",
        "dualtrack/migrations/script.py.mako",
        "dualtrack/alembic.ini",
    } <= names
    shipped = {name for name in names if name.startswith("dualtrack/migrations/versions/")}
    assert len(shipped) == len(revisions())
    assert not [name for name in names if "__pycache__" in name]
    assert {"laws/__init__.py", "laws/py.typed"} <= names
    assert not [name for name in names if name.startswith(("tests/", "src/", "benchmarks/"))]


def works(venv: Path, tmp_path: Path) -> None:
    """Both packages import from the venv, optics work, and the command runs."""
    python = venv / "bin" / "python"
    found = json.loads(run([str(python), "-I", "-c", CHECK_SCRIPT], cwd=tmp_path))

    for module in ("dualtrack_file", "laws_file"):
        assert Path(found[module]).resolve().is_relative_to(venv.resolve()), found[module]
    assert found["unresolved"] == []
    assert found["laws_unresolved"] == []
    assert found["py_typed"] == [True, True]
    assert found["last_name"] == "Grace"
    assert found["renamed"] == ["Ada", "Hopper"]
    assert found["unchanged"] == ["Ada", "Grace"]
    assert found["ages"] == [37, 46]
    assert found["kind"] == "Traversal"
    assert "Usage: dualtrack" in run([str(venv / "bin" / "dualtrack"), "--help"], cwd=tmp_path)


def migrates_with_its_own_scripts(venv: Path, tmp_path: Path) -> None:
    """The migrations API and ``alembic`` with the shipped ini, outside the repository."""
    python = venv / "bin" / "python"
    work = tmp_path / "elsewhere"
    work.mkdir()
    found = json.loads(run([str(python), "-I", "-c", MIGRATE_SCRIPT, str(work)], cwd=work))

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
