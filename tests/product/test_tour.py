"""The README's first command runs the tour; it must keep working, print real results, and
leave the user's own stores alone (it works in a scratch directory unless asked to keep)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path


def tour(tmp_path: Path, *options: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m dualtrack tour`` with the user's data directory and configured stores
    all under ``tmp_path``, so the test can see whether the tour wrote to them."""
    dropped = {"DUALTRACK_TOUR_DIR"}
    env = {name: value for name, value in os.environ.items() if name not in dropped}
    env.update(
        XDG_DATA_HOME=str(tmp_path / "data"),
        DUALTRACK_MEMORY_URL=f"sqlite:///{tmp_path / 'configured-memory.db'}",
        DUALTRACK_DATABASE_URL=f"sqlite:///{tmp_path / 'configured-app.db'}",
        **environment,
    )
    result = subprocess.run(
        [sys.executable, "-m", "dualtrack", "tour", *options],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_the_tour_prints_real_results_and_leaves_the_users_stores_alone(tmp_path: Path) -> None:
    out = tour(tmp_path).stdout
    assert (
        "path(Author, lambda a: a.address.city)       Lens(attr('address') >> attr('city'))" in out
    )
    assert "'it calls a.name.upper(): upper is a method of str, not a field'" in out
    found = re.search(r"in the scratch directory (\S+), removed when it ends", out)
    assert found, out[:300]
    scratch = Path(found[1])
    assert f"store URL                                    'sqlite:///{scratch}/memory.db'" in out
    assert not scratch.exists(), "the scratch directory was left behind"
    assert sorted(p.name for p in tmp_path.iterdir()) == [], "the tour wrote outside its scratch"
    assert "name.get(doc)                                'Ada'" in out
    assert 'b\'{"tags":["a","b"],"n":1}\'' in out
    assert "'PutGet: get(set(s, a)) == a'" in out
    assert "('Count: 1', 'Count: 2')" in out
    assert "after 200 concurrent ticks                   {'count': 202}" in out
    assert "['the kettle boils at 100 C', 'at altitude it boils below 100 C']" in out
    assert "[{'count': 3}, {'count': 2}, {'count': 1}]" in out
    assert "{'source': 'alembic', 'table': 'crystals'}" in out
    assert "'Tea brewed on a mountain is weaker'" in out


def test_the_tour_refuses_unknown_arguments() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dualtrack", "tour", "nonsense"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "error: Got unexpected extra argument (nonsense)" in result.stderr


def test_the_tour_keeps_its_stores_where_asked(tmp_path: Path) -> None:
    kept = tmp_path / "kept"
    out = tour(tmp_path, DUALTRACK_TOUR_DIR=str(kept)).stdout
    assert f"The tour's stores are kept in {kept}" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept"]
    assert {"memory.db", "dualtrack.db"} <= {p.name for p in kept.iterdir()}


def test_the_tour_command_keeps_its_stores_where_asked(tmp_path: Path) -> None:
    kept = tmp_path / "kept"
    out = tour(tmp_path, "--keep", str(kept)).stdout
    assert f"The tour's stores are kept in {kept}" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept"]
