"""The README's first command runs the tour; it must keep working and print real results."""

from __future__ import annotations

import subprocess
import sys


def test_the_tour_runs_and_prints_real_results() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dualtrack", "tour"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "name.get(doc)                                'Ada'" in out
    assert "b'{\"tags\":[\"a\",\"b\"],\"n\":1}'" in out
    assert "'PutGet: get(set(s, a)) == a'" in out


def test_the_tour_refuses_unknown_arguments() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dualtrack", "nonsense"], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "usage: python -m dualtrack tour" in result.stderr
