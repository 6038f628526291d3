"""What the command-line tests share: running the installed ``dualtrack`` in a subprocess
(:func:`dualtrack`), or its ``main`` in this process (:func:`invoke`, the same code without the
half second a new interpreter costs, for the many detailed checks), store URLs on SQLite and
PostgreSQL, and sample memory to put in them."""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import chdir, contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dualtrack import Datum
from dualtrack.app.blocking import run_blocking
from dualtrack.cli import main
from dualtrack.memory.transfer import NamespaceDigest, digest
from dualtrack.memory.urls import open_dgent

#: The console script the package installs, beside this interpreter.
DUALTRACK = Path(sys.executable).parent / "dualtrack"


@dataclass
class Ran:
    """A finished run of the command: exit code, stdout, stderr."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """Stdout parsed as JSON."""
        return json.loads(self.out)

    def __repr__(self) -> str:
        return f"Ran(code={self.code}, out={self.out[-2000:]!r}, err={self.err[-2000:]!r})"


def environment(home: Path, **extra: str) -> dict[str, str]:
    """This process's environment with dualtrack's defaults pointed into ``home``."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DUALTRACK_") and name != "COLUMNS"
    }
    env.update(
        DUALTRACK_MEMORY_URL=f"sqlite:///{home / 'default-memory.db'}",
        DUALTRACK_DATABASE_URL=f"sqlite:///{home / 'default-app.db'}",
        XDG_DATA_HOME=str(home / "data"),
    )
    env.update(extra)
    return env


def dualtrack(
    *arguments: str, home: Path, timeout: float = 300, stdin: str | None = None, **extra: str
) -> Ran:
    """Run the installed ``dualtrack`` with ``arguments`` and wait for it."""
    done = subprocess.run(
        [str(DUALTRACK), *arguments],
        env=environment(home, **extra),
        cwd=home,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=stdin,
        check=False,
    )
    return Ran(done.returncode, done.stdout, done.stderr)


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def invoke(*arguments: str, home: Path, **extra: str) -> Ran:
    """Run the command's ``main`` in this process, with the environment and working directory
    :func:`dualtrack` gives the subprocess, and wait for it."""
    out, err = io.StringIO(), io.StringIO()
    with (
        _environment(environment(home, **extra)),
        chdir(home),
        redirect_stdout(out),
        redirect_stderr(err),
    ):
        try:
            main(list(arguments))
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 1
    return Ran(code, out.getvalue(), err.getvalue())


def sample(count: int, *, seed: int = 0, prefix: str = "d") -> list[Datum]:
    """``count`` datums in causal order: chains (parents picked among recent datums), some
    children older than their parents, metadata of several shapes, text and binary content."""
    draw = random.Random(seed)
    made: list[Datum] = []
    for place in range(count):
        recent = made[-draw.randint(1, min(len(made), 50)) :] if made else []
        parent = recent[0] if recent and draw.random() < 0.7 else None
        when = 1.7e9 + place * 0.5 + draw.random()
        if parent is not None and draw.random() < 0.1:
            when = parent.created_at - draw.random() * 100  # written with a clock behind
        if draw.random() < 0.05:
            content = draw.randbytes(draw.randint(0, 40))
        else:
            content = f"memory {place}: {draw.random():.6f} ü".encode()
        metadata: dict[str, Any] = {"kind": draw.choice(["note", "fact", "plan"]), "n": place}
        if draw.random() < 0.2:
            metadata["tags"] = [draw.choice("abc") for _ in range(draw.randint(0, 3))]
        made.append(
            Datum(
                id=f"{prefix}{place:07d}",
                content=content,
                created_at=when,
                causal_parent=None if parent is None else parent.id,
                metadata=metadata,
            )
        )
    return made


async def _fill(url: str, namespace: str, datums: Sequence[Datum], refs: int) -> None:
    store = await open_dgent(url, namespace=namespace)
    try:
        for start in range(0, len(datums), 2000):
            await store.put_many(datums[start : start + 2000])
        for place in range(min(refs, len(datums))):
            await store.set_ref(f"ref-{place:03d}", datums[-1 - place * 7 % len(datums)].id)
    finally:
        await store.close()


def fill(url: str, namespace: str, datums: Sequence[Datum], refs: int = 0) -> None:
    """Put ``datums`` and ``refs`` refs into ``namespace`` of the store at ``url``."""
    run_blocking(_fill(url, namespace, datums, refs))


async def _point(url: str, namespace: str, name: str, datum_id: str) -> None:
    store = await open_dgent(url, namespace=namespace)
    try:
        await store.set_ref(name, datum_id)
    finally:
        await store.close()


def point_ref(url: str, namespace: str, name: str, datum_id: str) -> None:
    """Set ref ``name`` of ``namespace`` in the store at ``url`` to ``datum_id``."""
    run_blocking(_point(url, namespace, name, datum_id))


async def _digests(url: str, namespaces: Sequence[str]) -> dict[str, NamespaceDigest]:
    found = {}
    for namespace in namespaces:
        store = await open_dgent(url, namespace=namespace)
        try:
            found[namespace] = await digest(store)
        finally:
            await store.close()
    return found


def digests(url: str, namespaces: Sequence[str]) -> dict[str, NamespaceDigest]:
    """The content digest of each namespace of the store at ``url``, by the library."""
    return run_blocking(_digests(url, namespaces))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty agent-memory store: an SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'memory.db'}"
        return
    yield request.getfixturevalue("postgres_databases")()
