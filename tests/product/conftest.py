"""One run of each type checker over every typing snippet and the README's optics examples;
pyright also checks the typed paths package itself in the same run."""

from __future__ import annotations

import pytest

from tests.product.readme_optics import readme_snippet
from tests.product.typing_checkers import (
    CheckerRun,
    paths_sources,
    run_mypy,
    run_pyright,
    snippet_files,
)


@pytest.fixture(scope="session")
def typing_runs() -> dict[str, CheckerRun]:
    """mypy --strict and basedpyright strict, each run once over all the files they check."""
    files = [*snippet_files(), readme_snippet()]
    return {"mypy": run_mypy(files), "pyright": run_pyright([*files, *paths_sources()])}
