"""mypy --strict infers the types of agent composition, functors and StateFunctor, and rejects
mismatched stages. Snippets are written to a temporary directory and checked by ``mypy.api``.

In a snippet, ``# R: text`` says ``reveal_type`` on that line must show ``text``, and
``# E: code`` that mypy must report an error with that code there; no other line may error.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import mypy.api
import pytest

SNIPPETS = {
    "composition": """
        from typing import reveal_type
        from dualtrack import Agent, Id, pipeline

        class Whole: ...
        class Part: ...
        class Leaf: ...

        def check(wp: Agent[Whole, Part], pl: Agent[Part, Leaf], lw: Agent[Leaf, Whole]) -> None:
            reveal_type(wp >> pl)  # R: Agent[Whole, Leaf]
            reveal_type(wp >> pl >> lw)  # R: Agent[Whole, Whole]
            reveal_type(wp >> (pl >> lw))  # R: Agent[Whole, Whole]
            reveal_type(Id >> wp)  # R: Agent[Whole, Part]
            reveal_type(wp >> Id)  # R: Agent[Whole, Part]
            reveal_type(pipeline(wp, pl, lw))  # R: Agent[Whole, Whole]
    """,
    "mismatch": """
        from dualtrack import Agent, agent, key, pipeline

        class Whole: ...
        class Part: ...
        class Leaf: ...

        def check(wp: Agent[Whole, Part], pl: Agent[Part, Leaf]) -> None:
            wp >> wp  # E: operator
            pl >> wp  # E: operator
            pipeline(wp, wp)  # E: misc
            wp >> key("a")  # E: operator
            wrong: Agent[Whole, Whole] = wp >> pl  # E: operator
    """,
    "lifting": """
        from typing import reveal_type
        from dualtrack import Agent, agent

        def size(text: str) -> int:
            return len(text)

        async def half(n: int) -> float:
            return n / 2

        reveal_type(agent(size))  # R: Agent[str, int]
        reveal_type(agent(half))  # R: Agent[int, float]
        reveal_type(agent(size) >> agent(half))  # R: Agent[str, float]
        agent(half) >> agent(size)  # E: arg-type
        sized, halved = agent(size), agent(half)
        wider: Agent[str, object] = sized
        narrower: Agent[bool, float] = halved
        flipped: Agent[object, int] = sized  # E: assignment
    """,
    "functors": """
        from typing import Any, reveal_type
        from dualtrack import Agent, Focus, Getter, Lens, agent
        from dualtrack import ListFunctor, MaybeFunctor, ResultFunctor

        Count = dict[str, int]

        def check(f: Agent[int, str], lens: Lens[Count, int], getter: Getter[Count, int]) -> None:
            reveal_type(MaybeFunctor.lift(f))  # R: Agent[Maybe[int], Maybe[str]]
            reveal_type(ResultFunctor.lift(f))  # R: Agent[Result[int, Any], Result[str, Any]]
            reveal_type(ListFunctor.lift(f))  # R: Agent[list[int], list[str]]
            reveal_type(Focus(lens).lift(agent(abs)))  # R: Agent[dict[str, int], dict[str, int]]
            Focus(lens).lift(f)  # E: arg-type
            Focus(getter)  # E: arg-type
    """,
    "state": """
        from typing import reveal_type
        from dualtrack import Agent, MemoryStateBackend, StateBackend, StateFunctor, agent

        backend = MemoryStateBackend(initial={"count": 0})
        protocol: StateBackend[dict[str, int]] = backend
        wrong: StateBackend[str] = backend  # E: assignment

        def counter(msg: str, state: dict[str, int]) -> tuple[str, dict[str, int]]:
            return msg, state

        async def later(msg: str, state: dict[str, int]) -> tuple[int, dict[str, int]]:
            return 1, state

        def step(pair: tuple[str, dict[str, int]]) -> tuple[float, dict[str, int]]:
            return 1.0, pair[1]

        reveal_type(backend)  # R: MemoryStateBackend[dict[str, int]]
        reveal_type(StateFunctor.lift_logic(counter, backend=backend))  # R: Agent[str, str]
        reveal_type(StateFunctor.lift_logic(later, backend=backend))  # R: Agent[str, int]
        reveal_type(StateFunctor(backend).lift_logic(counter))  # R: Agent[str, str]
        reveal_type(StateFunctor.lift(agent(step), backend=backend))  # R: Agent[str, float]
        reveal_type(StateFunctor(backend).lift(agent(step)))  # R: Agent[str, float]
        StateFunctor(MemoryStateBackend(initial=0)).lift_logic(counter)  # E: arg-type
        StateFunctor.lift_logic(counter)  # E: call-overload
    """,
    "sync_logic_messages": """
        from dualtrack import MemoryStateBackend, StateFunctor

        def counter(msg: str, state: dict[str, int]) -> tuple[str, dict[str, int]]:
            return msg, state

        numbers = MemoryStateBackend(initial=0)
        StateFunctor(numbers).lift_logic(counter)  # E: arg-type
        StateFunctor.lift_logic(counter, backend=numbers)  # E: arg-type
    """,
    "custom_backend": """
        from typing import reveal_type
        from dualtrack import ConflictError, StateBackend, StateFunctor, Version

        class Box:
            def __init__(self) -> None:
                self.state, self.version = 0, 0

            async def load(self) -> tuple[int, Version]:
                return self.state, self.version

            async def save(self, state: int, expected_version: Version) -> Version:
                if expected_version != self.version:
                    raise ConflictError("moved")
                self.state, self.version = state, self.version + 1
                return self.version

        def add(n: int, total: int) -> tuple[int, int]:
            return total + n, total + n

        box: StateBackend[int] = Box()
        reveal_type(StateFunctor(box).lift_logic(add))  # R: Agent[int, int]
    """,
}

EXPECTATION = re.compile(r"#\s*(R|E):\s*(.+?)\s*$")
#: Module prefixes left out of revealed types, to keep the expectations readable.
MODULES = re.compile(r"\b(dualtrack\.\w+\.\w+|snippet_\w+|returns\.\w+)\.")
REPORT = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<severity>\w+): (?P<message>.*)$")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], list[str]]:
    """mypy's notes and errors for every snippet, by (snippet, line), from one mypy run."""
    folder = tmp_path_factory.mktemp("agent_typing")
    paths = []
    for name, source in SNIPPETS.items():
        path = folder / f"snippet_{name}.py"
        path.write_text(textwrap.dedent(source).lstrip())
        paths.append(str(path))
    stdout, stderr, _ = mypy.api.run(
        ["--config-file=", "--strict", "--no-incremental", "--show-error-codes", *paths]
    )
    assert not stderr, stderr
    found: dict[tuple[str, int], list[str]] = {}
    for line in stdout.splitlines():
        match = REPORT.match(line)
        if match:
            snippet = Path(match["file"]).stem.removeprefix("snippet_")
            key = (snippet, int(match["line"]))
            found.setdefault(key, []).append(f"{match['severity']}: {match['message']}")
    return found


def expectations(name: str) -> list[tuple[int, str, str]]:
    lines = textwrap.dedent(SNIPPETS[name]).lstrip().splitlines()
    return [
        (number, match[1], match[2])
        for number, text in enumerate(lines, 1)
        if (match := EXPECTATION.search(text))
    ]


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_mypy_reports_what_each_snippet_expects(
    name: str, reports: dict[tuple[str, int], list[str]]
) -> None:
    expected = expectations(name)
    assert expected
    for number, kind, text in expected:
        reported = reports.get((name, number), [])
        if kind == "R":
            revealed = [r for r in reported if r.startswith("note: Revealed type is")]
            assert len(revealed) == 1, (name, number, reported)
            shown = revealed[0].removeprefix('note: Revealed type is "').removesuffix('"')
            assert MODULES.sub("", shown) == text, (name, number, shown)
        else:
            errors = [r for r in reported if r.startswith("error:")]
            assert any(r.endswith(f"[{text}]") for r in errors), (name, number, reported)
    marked = {number for number, kind, _ in expected if kind == "E"}
    unexpected = {
        (number, message)
        for (snippet, number), messages in reports.items()
        if snippet == name and number not in marked
        for message in messages
        if message.startswith("error:")
    }
    assert not unexpected, unexpected


def test_a_mistyped_sync_logic_is_reported_against_the_sync_signature(
    reports: dict[tuple[str, int], list[str]],
) -> None:
    errors = [
        message
        for (snippet, _), messages in reports.items()
        if snippet == "sync_logic_messages"
        for message in messages
    ]
    assert len(errors) == 2, errors
    for error in errors:
        assert 'expected "Callable[[str, int], tuple[str, int]]"' in error
        assert "Awaitable" not in error
