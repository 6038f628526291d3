"""A wheel built from the repository installs in a fresh venv and both packages work there.

The wheel's dependencies come from the package index, as for a user; the check script runs
isolated (``python -I``) from a temporary directory, so nothing of the repository can leak in.
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


def clean_environment() -> dict[str, str]:
    """This process's environment without anything pointing Python at this repo or venv."""
    dropped = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP"}
    return {name: value for name, value in os.environ.items() if name not in dropped}


def run(command: list[str], cwd: Path) -> str:
    """Run a command to completion, failing the test with its output if it fails."""
    started = time.monotonic()
    done = subprocess.run(
        command, cwd=cwd, env=clean_environment(), capture_output=True, text=True, timeout=300
    )
    took = time.monotonic() - started
    assert done.returncode == 0, f"{command} failed after {took:.1f}s:\n{done.stdout}{done.stderr}"
    print(f"{took:5.1f}s  {' '.join(command[:3])}")
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from the working tree, as ``python -m build --wheel`` makes it."""
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)], cwd=out)
    (built,) = out.glob("dualtrack-*.whl")
    return built


def test_wheel_ships_both_packages_typed(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"dualtrack/__init__.py", "dualtrack/py.typed"} <= names
    assert {"laws/__init__.py", "laws/py.typed"} <= names
    assert not [name for name in names if name.startswith(("tests/", "src/", "benchmarks/"))]


def test_wheel_installs_and_works_in_a_fresh_venv(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], cwd=tmp_path)
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
