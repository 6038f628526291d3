"""The README's first command runs the tour; it must keep working and print real results."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_the_tour_runs_and_prints_real_results(tmp_path: Path) -> None:
    environment = {
        **os.environ,
        "DUALTRACK_MEMORY_URL": f"sqlite:///{tmp_path / 'memory.db'}",
        "DUALTRACK_DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
    }
    result = subprocess.run(
        [sys.executable, "-m", "dualtrack", "tour"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
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
