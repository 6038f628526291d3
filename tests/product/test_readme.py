"""Every ```python block of the README runs, as written, in the suite.

The blocks run in order in one namespace on one event loop (top-level ``await`` allowed), in a
scratch directory whose data directory, ``DUALTRACK_MEMORY_URL`` and ``DUALTRACK_DATABASE_URL``
point at temporary files, so nothing touches the user's stores. Each block is its own test: it
replays the blocks before it, then runs its own. A function a block defines named ``test_*``
(taking no arguments) is called, and an expression statement whose trailing comment is a
Python literal (``x.get(doc)  # 'Ada'``) must equal that literal. Code that must not run is
fenced ```pycon or ```text instead (see CONTRIBUTING.md).
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import io
import re
import sys
import tokenize
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```\s*$", re.MULTILINE | re.DOTALL)
HEADING = re.compile(r"^#+\s+(?P<title>.+)$", re.MULTILINE)
EXPECT = "__readme_expect__"


@dataclass(frozen=True)
class Block:
    """One ```python block: its source, the line it starts on, and the section it is in."""

    source: str
    line: int
    section: str

    @property
    def name(self) -> str:
        """A test id: the line and the section's title."""
        slug = re.sub(r"[^a-z0-9]+", "-", self.section.lower()).strip("-")
        return f"line{self.line}-{slug}"


def python_blocks(text: str) -> list[Block]:
    """The README's ```python blocks, in order."""
    blocks = []
    for fence in FENCE.finditer(text):
        if fence["info"].strip().split(" ")[0] != "python":
            continue
        before = text[: fence.start()]
        headings = HEADING.findall(before)
        line = before.count("\n") + 2
        blocks.append(Block(fence["body"], line, headings[-1] if headings else "top"))
    return blocks


BLOCKS = python_blocks(README.read_text(encoding="utf-8"))


def literal_comments(source: str) -> dict[int, str]:
    """The trailing comments that are Python literals, by line: ``# 42``, ``# 'Ada'``."""
    found = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            text = token.string[1:].strip()
            try:
                ast.literal_eval(text)
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                continue
            found[token.start[0]] = text
    return found


def checked(block: Block) -> ast.Module:
    """The block's syntax tree, each expression with a literal comment wrapped in a check."""
    tree = ast.parse(block.source, filename="README.md")
    expected = literal_comments(block.source)
    for index, statement in enumerate(tree.body):
        if isinstance(statement, ast.Expr) and statement.end_lineno in expected:
            text = expected[statement.end_lineno]
            call = ast.Call(
                func=ast.Name(EXPECT, ast.Load()),
                args=[statement.value, ast.Constant(text), ast.Constant(statement.lineno)],
                keywords=[],
            )
            tree.body[index] = ast.copy_location(ast.Expr(call), statement)
    return ast.increment_lineno(ast.fix_missing_locations(tree), block.line - 1)


def expect(block: Block) -> Any:
    """The check an expression with a literal comment runs."""

    def check(value: Any, text: str, line: int) -> None:
        wanted = ast.literal_eval(text)
        assert value == wanted, (
            f"README.md line {line}: the comment says {text}, the code gives {value!r}"
        )

    return check


def run(block: Block, namespace: dict[str, Any], runner: asyncio.Runner) -> None:
    """Run one block in ``namespace``: top-level await on ``runner``'s loop, then its tests."""
    namespace[EXPECT] = expect(block)
    before = set(namespace)
    code = compile(checked(block), "README.md", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    outcome = eval(code, namespace)
    if inspect.iscoroutine(outcome):
        runner.run(outcome)
    for name in sorted(set(namespace) - before):
        value = namespace[name]
        if name.startswith("test_") and inspect.isfunction(value):
            result = value()
            if inspect.iscoroutine(result):
                runner.run(result)


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch working directory with every dualtrack store pointed inside it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("DUALTRACK_MEMORY_URL", f"sqlite:///{tmp_path / 'memory.db'}")
    monkeypatch.setenv("DUALTRACK_DATABASE_URL", f"sqlite:///{tmp_path / 'dualtrack.db'}")
    monkeypatch.delenv("DUALTRACK_ENV", raising=False)
    return tmp_path


def test_the_readme_has_python_blocks() -> None:
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("index", range(len(BLOCKS)), ids=[block.name for block in BLOCKS])
def test_readme_block_runs_as_written(
    index: int, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = types.ModuleType("readme")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    namespace = vars(module)
    with asyncio.Runner() as runner:
        for earlier in BLOCKS[:index]:
            try:
                run(earlier, namespace, runner)
            except Exception as error:
                pytest.fail(
                    f"the block at README.md line {earlier.line}, which this one follows, "
                    f"failed ({type(error).__name__}: {error}); see that block's own test"
                )
        run(BLOCKS[index], namespace, runner)


def test_literal_comments_are_checked() -> None:
    block = Block("x = 40 + 2\nx  # 42\nx  # 41\nx  # the answer\n", 1, "t")
    with asyncio.Runner() as runner, pytest.raises(AssertionError, match="comment says 41"):
        run(block, {}, runner)


def test_test_functions_a_block_defines_are_called() -> None:
    block = Block("def test_it():\n    raise ValueError('called')\n", 1, "t")
    with asyncio.Runner() as runner, pytest.raises(ValueError, match="called"):
        run(block, {}, runner)
