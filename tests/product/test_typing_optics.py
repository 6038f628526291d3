"""mypy --strict and basedpyright (strict) on the snippets in tests/typing/: what each infers
for optics and typed paths, and what each rejects.

The marks and the checker runs are explained in tests/product/typing_checkers.py: every
snippet is compared whole with each checker's findings, and each checker runs once for all
snippets (the ``typing_runs`` fixture in conftest.py). The run-time checks then compare ``>>``
and each operation with what both checkers decided.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import product
from pathlib import Path
from typing import Any

import pytest
from returns.maybe import Maybe, Some

import dualtrack
from dualtrack import CompositionError, Optic, UnsupportedOperation
from tests.product.typing_checkers import (
    CHECKERS,
    SNIPPETS,
    CheckerRun,
    Finding,
    compare,
    listing,
    marks,
    paths_sources,
    snippet_files,
)

SNIPPET_FILES = [path.name for path in snippet_files()]

KINDS = ("iso", "lens", "prism", "affine", "traversal", "getter", "fold", "setter")

#: Every kind with all the kinds it is (itself included): an Iso is a Lens and a Prism, a Lens is
#: an Affine and a Getter, a Prism an Affine, an Affine a Traversal, a Traversal a Fold and a
#: Setter, a Getter a Fold. Written out by hand as the specification the checks compare with.
IS_A = {
    "iso": {"iso", "lens", "prism", "affine", "traversal", "getter", "fold", "setter"},
    "lens": {"lens", "affine", "getter", "traversal", "fold", "setter"},
    "prism": {"prism", "affine", "traversal", "fold", "setter"},
    "affine": {"affine", "traversal", "fold", "setter"},
    "traversal": {"traversal", "fold", "setter"},
    "getter": {"getter", "fold"},
    "fold": {"fold"},
    "setter": {"setter"},
}

#: The error each checker reports for a composition of kinds that share none.
NO_COMMON_KIND = {"mypy": "operator", "pyright": "reportOperatorIssue"}
#: The error each checker reports for an operation the optic's kind lacks.
NO_SUCH_OPERATION = {"mypy": "misc", "pyright": "reportAttributeAccessIssue"}


def test_both_checkers_report_only_on_the_snippets(typing_runs: dict[str, CheckerRun]) -> None:
    for checker in CHECKERS:
        assert typing_runs[checker].stray == [], checker


@pytest.mark.parametrize("checker", CHECKERS)
@pytest.mark.parametrize("name", SNIPPET_FILES)
def test_each_checker_reports_exactly_what_the_snippet_marks(
    name: str, checker: str, typing_runs: dict[str, CheckerRun]
) -> None:
    snippet = SNIPPETS / name
    assert marks(snippet)[checker].findings, f"{name} marks nothing for {checker}"
    problems = compare(checker, snippet, typing_runs[checker])
    assert problems == [], f"{name}\n" + "\n".join(problems)


@pytest.mark.parametrize("source", paths_sources(), ids=lambda source: source.name)
def test_pyright_strict_is_clean_on_the_typed_paths_package(
    source: Path, typing_runs: dict[str, CheckerRun]
) -> None:
    assert listing(typing_runs["pyright"].on(source)) == []


def test_an_unmarked_finding_or_a_missing_one_is_caught(tmp_path: Path) -> None:
    snippet = tmp_path / "snippet.py"
    snippet.write_text("x = 1  # R: int  # E mypy: misc\n")
    run = CheckerRun()
    run.add(snippet.resolve(), Finding(1, "R", "int"))
    run.add(snippet.resolve(), Finding(1, "E", "operator"), "Unsupported operand")
    assert compare("mypy", snippet, run) == [
        "reported by mypy but not marked: ['line 1: E: operator']",
        "marked for mypy but not reported: ['line 1: E: misc']",
    ]
    assert compare("pyright", snippet, run) == [
        "reported by pyright but not marked: ['line 1: E: operator']"
    ]


# The composition table: the marks follow the kind lattice, and run time agrees with both
# checkers.

COMPOSITION = re.compile(r"\b(\w+)_wp >> (\w+)_pl\b")
KIND_REVEALED = re.compile(r"^Optic\[(\w+)Kind, Whole, Leaf\]$")


def weaker_kind(outer: str, inner: str) -> str | None:
    """The strongest kind both are, from the hand-written table, or None when they share none."""
    common = IS_A[outer] & IS_A[inner]
    strongest = [kind for kind in common if IS_A[kind] == common]
    assert len(strongest) <= 1, (outer, inner, strongest)
    return strongest[0] if strongest else None


def lines_matching(name: str, pattern: re.Pattern[str]) -> Iterator[tuple[int, re.Match[str]]]:
    """Each line of a snippet that ``pattern`` finds something on, with its number."""
    lines = (SNIPPETS / name).read_text().splitlines()
    for number, line in enumerate(lines, start=1):
        if found := pattern.search(line):
            yield number, found


def composition_lines() -> dict[tuple[str, str], int]:
    """The line of compose_kinds.py composing each (outer, inner) pair of kinds."""
    table: dict[tuple[str, str], int] = {}
    for number, found in lines_matching("compose_kinds.py", COMPOSITION):
        pair = (found[1], found[2])
        assert pair not in table, f"{pair} composed twice"
        table[pair] = number
    return table


def primary(findings: set[Finding], line: int) -> set[Finding]:
    """The findings on one line, without pyright's follow-on reports of an unknown type."""
    return {f for f in findings if f.line == line and not f.value.startswith("reportUnknown")}


def outcome(typing_runs: dict[str, CheckerRun], checker: str, name: str, line: int) -> Finding:
    """The one thing a checker decided on a line of a snippet: a reveal or an error."""
    (decided,) = primary(typing_runs[checker].on(SNIPPETS / name), line)
    return decided


def test_composition_snippet_covers_every_pair_once() -> None:
    assert set(composition_lines()) == set(product(KINDS, KINDS))


@pytest.mark.parametrize("checker", CHECKERS)
def test_composition_marks_follow_the_lattice(checker: str) -> None:
    expected = marks(SNIPPETS / "compose_kinds.py")[checker].findings
    for (outer, inner), line in composition_lines().items():
        kind = weaker_kind(outer, inner)
        mark = (
            Finding(line, "E", NO_COMMON_KIND[checker])
            if kind is None
            else Finding(line, "R", f"Optic[{kind.capitalize()}Kind, Whole, Leaf]")
        )
        assert primary(expected, line) == {mark}, (outer, inner)


def test_weaker_kind_examples() -> None:
    assert weaker_kind("lens", "prism") == "affine"
    assert weaker_kind("getter", "lens") == "getter"
    assert weaker_kind("affine", "getter") == "fold"
    assert weaker_kind("iso", "setter") == "setter"
    assert weaker_kind("getter", "setter") is None
    assert weaker_kind("setter", "fold") is None


@dataclass(frozen=True)
class Box:
    """A whole holding one part; optics of every kind go from a ``Box`` to its content."""

    content: Any


def build(kind: str) -> Optic[Any, Any, Any]:
    """An optic of ``kind`` from a Box to its content, made with the custom constructors."""

    def down(box: Box) -> Any:
        return box.content

    builders: dict[str, Callable[[], Optic[Any, Any, Any]]] = {
        "iso": lambda: dualtrack.iso(down, Box),
        "lens": lambda: dualtrack.lens(down, lambda _, a: Box(a)),
        "prism": lambda: dualtrack.prism(lambda box: Some(down(box)), Box),
        "affine": lambda: dualtrack.affine(lambda box: Some(down(box)), lambda _, a: Box(a)),
        "traversal": lambda: dualtrack.traversal(
            lambda box: [down(box)], lambda box, f: Box(f(down(box)))
        ),
        "getter": lambda: dualtrack.getter(down),
        "fold": lambda: dualtrack.fold(lambda box: [down(box)]),
        "setter": lambda: dualtrack.setter(lambda box, f: Box(f(down(box)))),
    }
    optic = builders[kind]()
    assert optic.kind.lower() == kind
    return optic


@pytest.mark.parametrize("checker", CHECKERS)
@pytest.mark.parametrize(("outer", "inner"), list(product(KINDS, KINDS)))
def test_run_time_composition_agrees_with_each_checker(
    outer: str, inner: str, checker: str, typing_runs: dict[str, CheckerRun]
) -> None:
    line = composition_lines()[(outer, inner)]
    decided = outcome(typing_runs, checker, "compose_kinds.py", line)
    first, second = build(outer), build(inner)
    if decided.tag == "E":
        assert decided.value == NO_COMMON_KIND[checker]
        with pytest.raises(CompositionError, match="cannot compose"):
            first >> second
        return
    revealed = KIND_REVEALED.match(decided.value)
    assert revealed, decided
    composed = first >> second
    assert composed.kind == revealed[1]
    whole = Box(Box(1))
    if composed.kind not in ("Setter",):
        assert composed.get_all(whole) == [1]
    if composed.kind not in ("Getter", "Fold"):
        assert composed.set(whole, 2) == Box(Box(2))


# Operations by kind: each call a checker accepts runs and returns what it revealed; each call it
# rejects raises UnsupportedOperation.

OPERATION = re.compile(rf"\b({'|'.join(KINDS)})\.(\w+)\(")


@dataclass(frozen=True)
class Part:
    """The focus of the optics the operations run on."""

    n: int


def has_revealed_type(value: object, revealed: str) -> bool:
    """Whether a run-time value fits a type revealed in operations_by_kind.py."""
    checks: dict[str, Callable[[object], bool]] = {
        "Part": lambda v: isinstance(v, Part),
        "Whole": lambda v: isinstance(v, Box) and isinstance(v.content, Part),
        "Maybe[Part]": lambda v: isinstance(v, Maybe) and isinstance(v.unwrap(), Part),
        "list[Part]": lambda v: isinstance(v, list) and all(isinstance(p, Part) for p in v),
    }
    return checks[revealed](value)


def operation_lines() -> dict[tuple[str, str], int]:
    """The line of operations_by_kind.py calling each (kind, operation)."""
    table: dict[tuple[str, str], int] = {}
    for number, found in lines_matching("operations_by_kind.py", OPERATION):
        table[(found[1], found[2])] = number
    return table


OPERATIONS = ("get", "preview", "get_all", "set", "modify", "review")


def test_operations_snippet_covers_every_kind_and_operation() -> None:
    assert set(operation_lines()) == set(product(KINDS, OPERATIONS))


@pytest.mark.parametrize("checker", CHECKERS)
@pytest.mark.parametrize(("kind", "operation"), list(product(KINDS, OPERATIONS)))
def test_run_time_operations_agree_with_each_checker(
    kind: str, operation: str, checker: str, typing_runs: dict[str, CheckerRun]
) -> None:
    line = operation_lines()[(kind, operation)]
    decided = outcome(typing_runs, checker, "operations_by_kind.py", line)
    optic, whole, part = build(kind), Box(Part(1)), Part(2)
    arguments: dict[str, tuple[object, ...]] = {
        "get": (whole,),
        "preview": (whole,),
        "get_all": (whole,),
        "set": (whole, part),
        "modify": (whole, lambda p: Part(p.n + 1)),
        "review": (part,),
    }
    call = getattr(optic, operation)
    if decided.tag == "E":
        assert decided.value == NO_SUCH_OPERATION[checker]
        with pytest.raises(UnsupportedOperation, match=f"no {operation}"):
            call(*arguments[operation])
        return
    result = call(*arguments[operation])
    assert has_revealed_type(result, decided.value), (result, decided.value)
