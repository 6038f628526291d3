"""mypy --strict on the snippets in tests/typing/: what it infers for optics and what it rejects.

Each snippet marks its expectations in comments: ``# R: T`` (``reveal_type`` on that line
shows ``T``, module prefixes dropped) and ``# E: code`` or ``# E: code: text`` (an error with that
code, whose message contains ``text``). Every snippet is compared whole: the set of reveals and
errors mypy reports must equal the set marked, no more and no fewer. mypy runs once for all
snippets. The run-time checks then compare ``>>`` and each operation with what mypy decided.
"""

from __future__ import annotations

import re
import tempfile
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import product
from pathlib import Path
from typing import Any

import mypy.api
import mypy.version
import pytest
from returns.maybe import Maybe, Some

import dualtrack
from dualtrack import CompositionError, Optic, UnsupportedOperation

SNIPPETS = Path(__file__).resolve().parents[1] / "typing"
SNIPPET_FILES = sorted(path.name for path in SNIPPETS.glob("*.py") if path.name != "conftest.py")

#: Snippets stating the inference the optics should have but do not have yet (see each reason).
KNOWN_GAPS = {
    "untyped_composition.py": "with Any in the right operand mypy's overload resolution "
    "gives up and >> is Optic[Any, Any, Any]: structural optics lose their kind",
    "identity_on_the_left.py": "identity() on the left of >> is inferred Iso[Never, Never]",
}

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

MARK = re.compile(r"#\s*([ER]):\s*(.*?)\s*(?=#\s*[ER]:|$)")
REPORT = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<severity>error|note): (?P<message>.*)$")
ERROR_CODE = re.compile(r"^(?P<message>.*?)\s+\[(?P<code>[\w-]+)\]$")
REVEALED = re.compile(r'^Revealed type is "(?P<type>.*)"$')
QUALIFIED = re.compile(r"\b(?:[A-Za-z_]\w*\.)+([A-Za-z_]\w*)")


@dataclass(frozen=True)
class Finding:
    """One reveal (``tag`` R, ``value`` the type) or error (``tag`` E, ``value`` the code)."""

    line: int
    tag: str
    value: str


@dataclass(frozen=True)
class MypyRun:
    """What one mypy run reported: findings and error messages by snippet, and stray output."""

    findings: dict[str, set[Finding]]
    messages: dict[tuple[str, int, str], list[str]]
    stray: list[str]


def comments(name: str) -> Iterator[tuple[int, str]]:
    """Each comment in a snippet with its line number (marks in docstrings do not count)."""
    with (SNIPPETS / name).open() as source:
        for token in tokenize.generate_tokens(source.readline):
            if token.type == tokenize.COMMENT:
                yield token.start[0], token.string


def expected_findings(name: str) -> tuple[set[Finding], dict[Finding, str]]:
    """The marks in a snippet, and the message text each error mark asks for (if any)."""
    findings: set[Finding] = set()
    texts: dict[Finding, str] = {}
    for number, comment in comments(name):
        for tag, body in MARK.findall(comment):
            value, _, text = body.partition(": ") if tag == "E" else (body, "", "")
            finding = Finding(number, tag, value.strip())
            findings.add(finding)
            if text:
                texts[finding] = text.strip()
    return findings, texts


def plain(type_text: str) -> str:
    """A revealed type without module prefixes: ``returns.maybe.Maybe[a.B]`` is ``Maybe[B]``."""
    return QUALIFIED.sub(r"\1", type_text)


def run_mypy(cache_dir: Path) -> MypyRun:
    """Run mypy --strict once over every snippet, ignoring any project configuration."""
    paths = [str(SNIPPETS / name) for name in SNIPPET_FILES]
    options = ["--strict", "--config-file=", "--python-version=3.11", "--no-error-summary"]
    options += ["--hide-error-context", "--no-pretty", "--no-color-output", "--show-error-codes"]
    options += ["--no-sqlite-cache", f"--cache-dir={cache_dir}"]
    stdout, stderr, status = mypy.api.run([*options, *paths])
    stray = [stderr] if stderr.strip() or status not in (0, 1) else []
    findings: dict[str, set[Finding]] = {name: set() for name in SNIPPET_FILES}
    messages: dict[tuple[str, int, str], list[str]] = {}
    for raw in stdout.splitlines():
        report = REPORT.match(raw)
        path = Path(report["file"]).resolve() if report else None
        if report is None or path is None or path.parent != SNIPPETS.resolve():
            stray.append(raw)
            continue
        name = path.name
        line, message = int(report["line"]), report["message"]
        if report["severity"] == "error":
            error = ERROR_CODE.match(message)
            code = error["code"] if error else "<no code>"
            findings[name].add(Finding(line, "E", code))
            messages.setdefault((name, line, code), []).append(message)
        elif revealed := REVEALED.match(message):
            findings[name].add(Finding(line, "R", plain(revealed["type"])))
    return MypyRun(findings, messages, stray)


@pytest.fixture(scope="module")
def mypy_run() -> MypyRun:
    """One mypy run for the whole module, with a cache kept across test runs."""
    cache = Path(tempfile.gettempdir()) / f"dualtrack-typing-mypy-{mypy.version.__version__}"
    return run_mypy(cache)


def test_mypy_reports_only_on_the_snippets(mypy_run: MypyRun) -> None:
    assert mypy_run.stray == []


def listing(findings: set[Finding]) -> list[str]:
    """Findings as readable lines in line order, for assertion messages."""
    ordered = sorted(findings, key=lambda f: (f.line, f.tag, f.value))
    return [f"line {f.line}: {f.tag}: {f.value}" for f in ordered]


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[name]))
        if name in KNOWN_GAPS
        else name
        for name in SNIPPET_FILES
    ],
)
def test_mypy_reports_exactly_what_the_snippet_marks(name: str, mypy_run: MypyRun) -> None:
    expected, texts = expected_findings(name)
    reported = mypy_run.findings[name]
    assert expected, f"{name} marks nothing to check"
    unmarked, missing = listing(reported - expected), listing(expected - reported)
    assert (unmarked, missing) == ([], []), (
        f"{name}\nreported by mypy but not marked: {unmarked}\nmarked but not reported: {missing}"
    )
    for finding, text in texts.items():
        messages = mypy_run.messages[(name, finding.line, finding.value)]
        assert any(text in message for message in messages), (finding, messages)


def test_known_gaps_are_snippets() -> None:
    assert set(KNOWN_GAPS) <= set(SNIPPET_FILES)


# The composition table: the marks follow the kind lattice, and run time agrees with mypy.

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


def mypy_outcome(mypy_run: MypyRun, name: str, line: int) -> set[Finding]:
    """What mypy reported on one line of a snippet."""
    return {finding for finding in mypy_run.findings[name] if finding.line == line}


def test_composition_snippet_covers_every_pair_once() -> None:
    assert set(composition_lines()) == set(product(KINDS, KINDS))


def test_composition_marks_follow_the_lattice() -> None:
    expected, _ = expected_findings("compose_kinds.py")
    for (outer, inner), line in composition_lines().items():
        kind = weaker_kind(outer, inner)
        mark = (
            Finding(line, "E", "operator")
            if kind is None
            else Finding(line, "R", f"Optic[{kind.capitalize()}Kind, Whole, Leaf]")
        )
        assert {f for f in expected if f.line == line} == {mark}, (outer, inner)


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


@pytest.mark.parametrize(("outer", "inner"), list(product(KINDS, KINDS)))
def test_run_time_composition_agrees_with_mypy(outer: str, inner: str, mypy_run: MypyRun) -> None:
    line = composition_lines()[(outer, inner)]
    (outcome,) = mypy_outcome(mypy_run, "compose_kinds.py", line)
    first, second = build(outer), build(inner)
    if outcome.tag == "E":
        assert outcome.value == "operator"
        with pytest.raises(CompositionError, match="cannot compose"):
            first >> second
        return
    revealed = KIND_REVEALED.match(outcome.value)
    assert revealed, outcome
    composed = first >> second
    assert composed.kind == revealed[1]
    whole = Box(Box(1))
    if composed.kind not in ("Setter",):
        assert composed.get_all(whole) == [1]
    if composed.kind not in ("Getter", "Fold"):
        assert composed.set(whole, 2) == Box(Box(2))


# Operations by kind: each call mypy accepts runs and returns what mypy revealed; each call it
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


@pytest.mark.parametrize(("kind", "operation"), list(product(KINDS, OPERATIONS)))
def test_run_time_operations_agree_with_mypy(kind: str, operation: str, mypy_run: MypyRun) -> None:
    line = operation_lines()[(kind, operation)]
    (outcome,) = mypy_outcome(mypy_run, "operations_by_kind.py", line)
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
    if outcome.tag == "E":
        with pytest.raises(UnsupportedOperation, match=f"no {operation}"):
            call(*arguments[operation])
        return
    result = call(*arguments[operation])
    assert has_revealed_type(result, outcome.value), (result, outcome.value)
