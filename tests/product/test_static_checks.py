"""The repository's static checks run with the tests: mypy --strict on src and laws, ruff."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import mypy.api

ROOT = Path(__file__).resolve().parents[2]


def test_mypy_strict_is_clean_on_src_and_laws() -> None:
    report, errors, status = mypy.api.run(
        [
            "--strict",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            str(ROOT / "src"),
            str(ROOT / "laws"),
        ]
    )
    assert status == 0, report + errors


def test_ruff_check_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
