"""The README's Optics section: every optic it builds shows its kind, source and focus, both
checkers reveal exactly those, and every value it shows is what the code returns."""

from __future__ import annotations

import ast
import sys
import types
from collections.abc import Iterator

import pytest

from dualtrack import Optic
from tests.product.readme_optics import (
    optics_code,
    readme_snippet,
    snippet_text,
    type_claims,
    value_claims,
)
from tests.product.typing_checkers import CHECKERS, CheckerRun, compare, marks


@pytest.fixture(scope="module")
def namespace() -> Iterator[dict[str, object]]:
    """The README's optics examples run top to bottom, as a module of their own."""
    module = types.ModuleType("readme_optics_examples")
    sys.modules[module.__name__] = module
    try:
        exec(compile(optics_code(), "README.md", "exec"), module.__dict__)
        yield module.__dict__
    finally:
        del sys.modules[module.__name__]


@pytest.mark.parametrize("checker", CHECKERS)
def test_each_checker_reveals_exactly_the_types_the_readme_claims(
    checker: str, typing_runs: dict[str, CheckerRun]
) -> None:
    snippet = readme_snippet()
    assert len(marks(snippet)[checker].findings) == len(type_claims(optics_code())) >= 10
    assert compare(checker, snippet, typing_runs[checker]) == []


def test_every_optic_the_readme_names_claims_its_type(namespace: dict[str, object]) -> None:
    claimed = {
        claim.statement.targets[0].id  # type: ignore[attr-defined]
        if isinstance(claim.statement, ast.Assign)
        else ast.unparse(claim.statement.target)  # type: ignore[attr-defined]
        for claim, _ in type_claims(optics_code())
    }
    optics = {name for name, value in namespace.items() if isinstance(value, Optic)}
    assert optics
    assert optics <= claimed, optics - claimed


def test_every_value_the_readme_shows_is_what_the_code_returns(
    namespace: dict[str, object],
) -> None:
    shown = value_claims(optics_code())
    assert len(shown) >= 10
    for claim, text in shown:
        expression = ast.unparse(claim.statement.value)  # type: ignore[attr-defined]
        value = eval(expression, namespace)
        assert repr(value) == text, (claim.first, expression)


def test_a_type_claim_becomes_a_reveal_both_checkers_must_show() -> None:
    code = "x = make()  # Lens[Person, str]\nx.get(p)  # 'Ada'\nf(x)  # Traversal[A, B]\n"
    assert snippet_text(code).splitlines()[2:] == [
        "x = make()  # Lens[Person, str]",
        "reveal_type(x)  # R: Optic[LensKind, Person, str]",
        "x.get(p)  # 'Ada'",
        "f(x)  # Traversal[A, B]",
        "reveal_type(f(x))  # R: Optic[TraversalKind, A, B]",
    ]
