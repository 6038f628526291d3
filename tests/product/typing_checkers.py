"""Run mypy --strict and basedpyright (strict) once over the typing snippets, and read their marks.

A snippet marks what each checker must report on a line, in comments:

- ``# R: T``: ``reveal_type`` there shows ``T`` to both checkers (module prefixes dropped);
  ``# R mypy: T`` or ``# R pyright: T`` for one checker where they print a type differently;
- ``# E mypy: code`` and ``# E pyright: rule``: an error with that mypy code or pyright rule,
  optionally ``: text`` that its message must contain.

Each checker's findings on a snippet must equal its marks exactly, no more and no fewer. Both
runs are cached: mypy by its own incremental cache, pyright by a hash of everything it reads
(the checker's version, its settings, the snippets and the dualtrack sources), so a repeated
test run costs a file read.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import tempfile
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import mypy.api
import mypy.version

ROOT = Path(__file__).resolve().parents[2]
SNIPPETS = ROOT / "tests" / "typing"
CHECKERS = ("mypy", "pyright")

MARK = re.compile(r"#\s*([ER])(?:\s+(mypy|pyright))?:\s*(.*?)\s*(?=#\s*[ER](?:\s+\w+)?:|$)")
FALLBACK = re.compile(r"tuple\[[^\[\]]*, fallback=(\w+)\]")
QUALIFIED = re.compile(r"\b(?:[A-Za-z_]\w*\.)+([A-Za-z_]\w*)")
MYPY_REPORT = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+): (?P<severity>error|note): (?P<message>.*)$"
)
MYPY_CODE = re.compile(r"^(?P<message>.*?)\s+\[(?P<code>[\w-]+)\]$")
MYPY_REVEALED = re.compile(r'^Revealed type is "(?P<type>.*)"$')
PYRIGHT_REVEALED = re.compile(r'^Type of ".*" is "(?P<type>.*)"$', re.DOTALL)
PYRIGHT_SETTINGS = {"typeCheckingMode": "strict", "pythonVersion": "3.11"}


@dataclass(frozen=True)
class Finding:
    """One reveal (``tag`` R, ``value`` the type) or error (``tag`` E, ``value`` its code)."""

    line: int
    tag: str
    value: str


@dataclass
class CheckerRun:
    """What one checker reported: findings and error messages by file, and stray output."""

    findings: dict[Path, set[Finding]] = field(default_factory=dict)
    messages: dict[tuple[Path, int, str], list[str]] = field(default_factory=dict)
    stray: list[str] = field(default_factory=list)

    def add(self, file: Path, finding: Finding, message: str = "") -> None:
        """Record one finding (and the message of an error)."""
        self.findings.setdefault(file, set()).add(finding)
        if finding.tag == "E":
            self.messages.setdefault((file, finding.line, finding.value), []).append(message)

    def on(self, file: Path) -> set[Finding]:
        """Everything reported on one file."""
        return self.findings.get(file.resolve(), set())


def snippet_files() -> list[Path]:
    """The snippet files, sorted (conftest.py only keeps pytest from importing them)."""
    return sorted(p for p in SNIPPETS.glob("*.py") if p.name != "conftest.py")


def paths_sources() -> list[Path]:
    """The typed paths package, which pyright strict checks beside the snippets (mypy --strict
    checks all of src in tests/product/test_static_checks.py)."""
    return sorted((ROOT / "src" / "dualtrack" / "optics" / "paths").glob("*.py"))


def plain(type_text: str) -> str:
    """A revealed type without module prefixes: ``returns.maybe.Maybe[a.B]`` is ``Maybe[B]``;
    mypy's spelled-out ``TypedDict(Book, {...})`` and ``tuple[int, int, fallback=Point]`` are
    the class names pyright prints, ``Book`` and ``Point``."""
    text = QUALIFIED.sub(r"\1", type_text)
    text = FALLBACK.sub(r"\1", text)
    while (start := text.find("TypedDict(")) >= 0:
        name_end = text.index(",", start)
        depth, end = 0, start
        for end in range(start, len(text)):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            if depth == 0 and text[end] == ")":
                break
        text = text[:start] + text[start + len("TypedDict(") : name_end] + text[end + 1 :]
    return text


def comments(file: Path) -> Iterator[tuple[int, str]]:
    """Each comment in a file with its line number (marks in strings do not count)."""
    with file.open() as source:
        for token in tokenize.generate_tokens(source.readline):
            if token.type == tokenize.COMMENT:
                yield token.start[0], token.string


@dataclass
class Marks:
    """What a snippet expects of one checker, and the message text some errors must contain."""

    findings: set[Finding] = field(default_factory=set)
    texts: dict[Finding, str] = field(default_factory=dict)


def marks(file: Path) -> dict[str, Marks]:
    """The marks of a file, by checker; an error mark must name its checker."""
    expected = {checker: Marks() for checker in CHECKERS}
    for number, comment in comments(file):
        for tag, checker, body in MARK.findall(comment):
            if tag == "E" and not checker:
                raise ValueError(f"{file.name}:{number}: an E mark names its checker: {comment}")
            value, text = (body, "")
            if tag == "E":
                value, _, text = body.partition(": ")
            for name in [checker] if checker else CHECKERS:
                finding = Finding(number, tag, value.strip())
                expected[name].findings.add(finding)
                if text:
                    expected[name].texts[finding] = text.strip()
    return expected


def listing(findings: Iterable[Finding]) -> list[str]:
    """Findings as readable lines in line order, for assertion messages."""
    ordered = sorted(findings, key=lambda f: (f.line, f.tag, f.value))
    return [f"line {f.line}: {f.tag}: {f.value}" for f in ordered]


def _cache_dir(name: str) -> Path:
    """A cache directory for this checkout (helpers on one machine do not share one)."""
    checkout = hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"dualtrack-typing-{name}-{checkout}"


def run_mypy(files: list[Path]) -> CheckerRun:
    """mypy --strict once over ``files``, ignoring any project configuration."""
    cache = _cache_dir(f"mypy-{mypy.version.__version__}")
    options = ["--strict", "--config-file=", "--python-version=3.11", "--no-error-summary"]
    options += ["--hide-error-context", "--no-pretty", "--no-color-output", "--show-error-codes"]
    options += ["--no-sqlite-cache", f"--cache-dir={cache}"]
    stdout, stderr, status = mypy.api.run([*options, *map(str, files)])
    run = CheckerRun()
    if stderr.strip() or status not in (0, 1):
        run.stray.append(stderr)
    checked = {file.resolve() for file in files}
    for raw in stdout.splitlines():
        report = MYPY_REPORT.match(raw)
        file = Path(report["file"]).resolve() if report else None
        if report is None or file not in checked:
            run.stray.append(raw)
            continue
        line, message = int(report["line"]), report["message"]
        if report["severity"] == "error":
            error = MYPY_CODE.match(message)
            run.add(file, Finding(line, "E", error["code"] if error else "<no code>"), message)
        elif revealed := MYPY_REVEALED.match(message):
            run.add(file, Finding(line, "R", plain(revealed["type"])))
    return run


def _pyright_key(files: list[Path]) -> str:
    digest = hashlib.sha256()
    digest.update(importlib.metadata.version("basedpyright").encode())
    digest.update(sys.version.encode())
    digest.update(json.dumps(PYRIGHT_SETTINGS, sort_keys=True).encode())
    for package in ("returns", "pydantic", "attrs"):
        digest.update(importlib.metadata.version(package).encode())
    sources = sorted((ROOT / "src" / "dualtrack").rglob("*.py"))
    for file in [*files, *sources]:
        digest.update(str(file).encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:24]


def _pyright_output(files: list[Path]) -> dict[str, object]:
    cached = _cache_dir("pyright") / f"{_pyright_key(files)}.json"
    if cached.exists():
        output: dict[str, object] = json.loads(cached.read_text())
        return output
    cached.parent.mkdir(parents=True, exist_ok=True)
    settings = cached.parent / "pyrightconfig.json"
    settings.write_text(json.dumps(PYRIGHT_SETTINGS))
    command = [sys.executable, "-m", "basedpyright", "--outputjson", "-p", str(settings)]
    command += ["--pythonpath", sys.executable, *map(str, files)]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    if result.returncode not in (0, 1):
        return {"stray": [result.stdout, result.stderr]}
    output = json.loads(result.stdout)
    partial = cached.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(output))
    partial.replace(cached)
    return output


def run_pyright(files: list[Path]) -> CheckerRun:
    """basedpyright in strict mode once over ``files`` (its result cached, see above)."""
    output = _pyright_output(files)
    run = CheckerRun()
    run.stray.extend(str(s) for s in output.get("stray", []))  # type: ignore[attr-defined]
    checked = {file.resolve() for file in files}
    diagnostics: list[dict[str, object]] = output.get("generalDiagnostics", [])  # type: ignore[assignment]
    for diagnostic in diagnostics:
        file = Path(str(diagnostic["file"])).resolve()
        line = diagnostic["range"]["start"]["line"] + 1  # type: ignore[index]
        message = str(diagnostic["message"])
        if file not in checked:
            run.stray.append(f"{file}:{line}: {message}")
        elif diagnostic["severity"] == "information":
            revealed = PYRIGHT_REVEALED.match(message)
            if revealed:
                run.add(file, Finding(line, "R", plain(revealed["type"])))
            else:
                run.stray.append(f"{file}:{line}: {message}")
        else:
            rule = str(diagnostic.get("rule", "<no rule>"))
            run.add(file, Finding(line, "E", rule), message)
    return run


def compare(checker: str, file: Path, run: CheckerRun) -> list[str]:
    """How a checker's findings on a file differ from its marks (empty when they agree)."""
    expected = marks(file)[checker]
    reported = run.on(file)
    problems = []
    if unmarked := listing(reported - expected.findings):
        problems.append(f"reported by {checker} but not marked: {unmarked}")
    if missing := listing(expected.findings - reported):
        problems.append(f"marked for {checker} but not reported: {missing}")
    for finding, text in expected.texts.items():
        said = run.messages.get((file.resolve(), finding.line, finding.value), [])
        if said and not any(text in message for message in said):
            problems.append(f"line {finding.line}: no {finding.value} message has {text!r}: {said}")
    return problems
