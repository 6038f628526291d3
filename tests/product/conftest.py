"""One run of each type checker over every typing snippet and the README's optics examples."""

from __future__ import annotations

import pytest

from tests.product.readme_optics import readme_snippet
from tests.product.typing_checkers import CHECKERS, CheckerRun, run_checker, snippet_files


@pytest.fixture(scope="session")
def typing_runs() -> dict[str, CheckerRun]:
    """mypy --strict and basedpyright strict, each run once over all the files they check."""
    files = [*snippet_files(), readme_snippet()]
    return {checker: run_checker(checker, files) for checker in CHECKERS}
