"""The README's optics examples as a typing snippet and as a script whose results are checked.

In the README's Optics section, a line ending in a type comment (``# Lens[Person, str]``) claims
what both checkers reveal for the name it assigns (or the expression it is), and an expression
line ending in any other comment claims the ``repr`` of its value. ``readme_snippet()`` writes
the examples with ``reveal_type`` marks for the checker runs; ``readme_claims()`` gives the value
claims for the run-time test.
"""

from __future__ import annotations

import ast
import hashlib
import re
import tempfile
import tokenize
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
KINDS = ("Iso", "Lens", "Prism", "Affine", "Traversal", "Getter", "Fold", "Setter")
TYPE_CLAIM = re.compile(rf"^#\s*({'|'.join(KINDS)})\[(.+)\]$")
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def optics_code() -> str:
    """The Python blocks of the README's Optics section, in order, as one module."""
    text = README.read_text()
    start = text.index("\n## Optics\n")
    end = text.index("\n## ", start + 1)
    return "\n".join(BLOCK.findall(text[start:end]))


def _end_comments(code: str) -> dict[int, str]:
    """The comment ending each line that has one, by line number."""
    found: dict[int, str] = {}
    for token in tokenize.generate_tokens(StringIO(code).readline):
        if token.type == tokenize.COMMENT:
            found[token.start[0]] = token.string
    return found


@dataclass(frozen=True)
class Claim:
    """A README line's claim: its statement's text and lines, and what the comment says."""

    first: int
    last: int
    statement: ast.stmt
    comment: str


def claims(code: str) -> list[Claim]:
    """Every top-level statement whose last line ends in a comment."""
    comments = _end_comments(code)
    found = []
    for statement in ast.parse(code).body:
        last = statement.end_lineno or statement.lineno
        if last in comments:
            found.append(Claim(statement.lineno, last, statement, comments[last]))
    return found


def type_claims(code: str) -> list[tuple[Claim, str]]:
    """Each type claim, with the type both checkers must reveal (``Optic[LensKind, S, A]``)."""
    typed = []
    for claim in claims(code):
        if matched := TYPE_CLAIM.match(claim.comment):
            typed.append((claim, f"Optic[{matched[1]}Kind, {matched[2]}]"))
    return typed


def value_claims(code: str) -> list[tuple[Claim, str]]:
    """Each expression statement's claimed ``repr``."""
    return [
        (claim, claim.comment.removeprefix("#").strip())
        for claim in claims(code)
        if isinstance(claim.statement, ast.Expr) and not TYPE_CLAIM.match(claim.comment)
    ]


def _revealed(claim: Claim, lines: list[str]) -> str:
    statement = claim.statement
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        return ast.unparse(statement.targets[0])
    if isinstance(statement, ast.AnnAssign):
        return ast.unparse(statement.target)
    if isinstance(statement, ast.Expr):
        return ast.unparse(statement.value)
    raise ValueError(f"README line {claim.first}: a type claim on {lines[claim.first - 1]!r}")


def snippet_text(code: str) -> str:
    """The examples with a ``reveal_type`` marked ``# R:`` after each type claim."""
    lines = code.splitlines()
    marks = {claim.last: (_revealed(claim, lines), kind) for claim, kind in type_claims(code)}
    out = ['"""Generated from README.md\'s Optics section by tests/product/readme_optics.py."""']
    out.append("from typing import reveal_type")
    for number, line in enumerate(lines, start=1):
        out.append(line)
        if number in marks:
            revealed, kind = marks[number]
            out.append(f"reveal_type({revealed})  # R: {kind}")
    return "\n".join(out) + "\n"


def readme_snippet() -> Path:
    """The README's examples as a typing snippet, in a directory of this checkout's own."""
    checkout = hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
    directory = Path(tempfile.gettempdir()) / f"dualtrack-readme-{checkout}"
    directory.mkdir(exist_ok=True)
    snippet = directory / "readme_examples.py"
    text = snippet_text(optics_code())
    if not snippet.exists() or snippet.read_text() != text:
        partial = directory / f"readme_examples.{id(text)}.tmp"
        partial.write_text(text)
        partial.replace(snippet)
    return snippet
