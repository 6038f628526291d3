"""The course in notebooks/: executed both ways, pictures that parse, code that passes ruff.

Each course notebook is run in a fresh kernel twice: as committed, with the exercises left
blank (every grade must report, as not answered or with a counterexample, and no cell may
fail), and with the answer cells replaced by the cells of the same tag in
``notebooks/solutions/`` (every grade must then say right).
"""

from __future__ import annotations

import base64
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from dualtrack.display import kind_lattice

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "notebooks"
NOTEBOOKS = sorted(FOLDER.glob("*.ipynb"))
SOLUTIONS = FOLDER / "solutions"
PNG_HEADER = b"\x89PNG\r\n\x1a\n"
SVG_IN_HTML = re.compile(r"<svg\b.*?</svg>", re.DOTALL)


def _answer_tag(cell: Any) -> str | None:
    tags = [tag for tag in cell.get("metadata", {}).get("tags", []) if tag.startswith("answer-")]
    return tags[0] if tags else None


def _answers(notebook: Any) -> dict[str, Any]:
    return {tag: cell for cell in notebook.cells if (tag := _answer_tag(cell)) is not None}


def _solved(path: Path) -> Any:
    notebook = nbformat.read(path, as_version=4)
    solutions = _answers(nbformat.read(SOLUTIONS / path.name, as_version=4))
    for cell in notebook.cells:
        tag = _answer_tag(cell)
        if tag is not None:
            cell.source = solutions[tag].source
    return notebook


def _execute(notebook: Any) -> Any:
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(FOLDER)}},
    ).execute()
    errors = [
        f"{output.ename}: {output.evalue}\nin cell:\n{cell.source}"
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert errors == [], "\n\n".join(errors)
    return notebook


def _grades(notebook: Any) -> list[dict[str, str]]:
    return [
        output["metadata"]["dualtrack"]
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if "dualtrack" in output.get("metadata", {})
    ]


def _pictures(notebook: Any) -> list[tuple[str, str]]:
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime in ("image/svg+xml", "image/png"):
                if mime in data:
                    found.append((mime, data[mime]))
            for svg in SVG_IN_HTML.findall(data.get("text/html", "")):
                found.append(("image/svg+xml", svg))
    return found


def test_there_is_a_course_with_solutions() -> None:
    assert len(NOTEBOOKS) >= 7
    for path in NOTEBOOKS:
        assert (SOLUTIONS / path.name).exists(), f"{path.name} has no solutions notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_every_exercise_has_one_solution(path: Path) -> None:
    answers = _answers(nbformat.read(path, as_version=4))
    solutions = _answers(nbformat.read(SOLUTIONS / path.name, as_version=4))
    assert 2 <= len(answers) <= 4, f"{path.name} has {len(answers)} exercises"
    assert set(answers) == set(solutions)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_left_blank_every_grade_reports(path: Path) -> None:
    notebook = _execute(nbformat.read(path, as_version=4))
    grades = _grades(notebook)
    assert len(grades) == len(_answers(notebook))
    assert [g for g in grades if g["status"] not in {"blank", "wrong"}] == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_with_the_solutions_every_grade_is_right(path: Path) -> None:
    notebook = _execute(_solved(path))
    grades = _grades(notebook)
    assert len(grades) == len(_answers(notebook))
    assert [g for g in grades if g["status"] != "right"] == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_committed_executed_with_pictures_that_parse(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count is not None for cell in code), "commit it executed"
    assert _grades(notebook), "the stored outputs include the grades"
    pictures = _pictures(notebook)
    assert len(pictures) >= 3, f"{path.name} stores {len(pictures)} pictures"
    for mime, content in pictures:
        if mime == "image/png":
            assert base64.b64decode(content).startswith(PNG_HEADER)
        else:
            root = ElementTree.fromstring(content)
            assert root.tag.endswith("svg")


def test_code_cells_pass_ruff() -> None:
    folders = [str(FOLDER)]
    for command in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, *folders],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_readme_lists_the_course() -> None:
    readme = (ROOT / "README.md").read_text()
    learn = readme.split("## Learn", 1)[1].split("\n## ", 1)[0]
    for path in NOTEBOOKS:
        assert f"notebooks/{path.name}" in learn, f"README's Learn section misses {path.name}"
    picture = re.search(r"!\[[^\]]*\]\(([^)]+\.svg)\)", learn)
    assert picture is not None, "the Learn section shows a picture"
    stored = (ROOT / picture.group(1)).read_text()
    ElementTree.fromstring(stored)
    assert stored.strip() == kind_lattice("Lens", "Prism").svg, "redraw docs/kind-lattice.svg"
