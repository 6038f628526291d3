"""SQLiteDgent keeps every retention law, and its compaction leaves no byte of what it
removes in the file or its write-ahead log."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import Phase, settings

from dualtrack.errors import LawViolation
from dualtrack.memory.embedder import HashedNgramEmbedder
from dualtrack.memory.retention import CompactionPolicy, Retention
from dualtrack.memory.sqlite import compaction
from dualtrack.memory.sqlite.store import SQLiteDgent
from laws.retention import check_erasure, check_retention, file_residue

FAST = settings(max_examples=15, deadline=None)
STATEFUL = settings(max_examples=12, stateful_step_count=25, deadline=None)
CONCURRENT = settings(max_examples=4, deadline=None)
PLANTED = settings(
    max_examples=20,
    deadline=None,
    report_multiple_bugs=False,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)


def test_sqlite_dgent_keeps_the_retention_laws(tmp_path: Path) -> None:
    path = tmp_path / "memory.db"

    async def fresh(namespace: str, clock: Callable[[], float]) -> Retention:
        return await SQLiteDgent.open(path, namespace=namespace, clock=clock)

    check_retention(
        fresh,
        residue=file_residue(path),
        embedder=HashedNgramEmbedder(),
        settings=FAST,
        stateful=STATEFUL,
        concurrent=CONCURRENT,
    )


def _factory(path: Path) -> Callable[[str, Callable[[], float]], Any]:
    async def fresh(namespace: str, clock: Callable[[], float]) -> Retention:
        return await SQLiteDgent.open(path, namespace=namespace, clock=clock)

    return fresh


def test_erasure_holds_without_vacuum(tmp_path: Path) -> None:
    path = tmp_path / "memory.db"
    check_erasure(
        _factory(path), file_residue(path), policy=CompactionPolicy(vacuum="none"), settings=FAST
    )


def _no_secure_delete(
    connection: sqlite3.Connection, namespace: str, rows: list[Any], refs: list[str]
) -> None:
    connection.execute("PRAGMA secure_delete = OFF")
    connection.executemany(compaction.DROP_DATUM, [(namespace, row[0]) for row in rows])
    connection.executemany(compaction.DROP_REF, [(namespace, name) for name in refs])


def test_erasure_catches_deleted_bytes_left_in_free_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compaction, "_remove", _no_secure_delete)
    path = tmp_path / "memory.db"
    with pytest.raises(LawViolation, match="no byte of a compacted datum"):
        check_erasure(
            _factory(path),
            file_residue(path),
            policy=CompactionPolicy(vacuum="none"),
            settings=PLANTED,
        )


def test_erasure_catches_bytes_left_in_the_write_ahead_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compaction, "reclaim", lambda path, vacuum, busy_timeout: None)
    path = tmp_path / "memory.db"
    with pytest.raises(LawViolation, match="no byte of a compacted datum"):
        check_erasure(_factory(path), file_residue(path), settings=PLANTED)


def _keeps_vectors(
    connection: sqlite3.Connection, namespace: str, rows: list[Any], refs: list[str]
) -> None:
    connection.execute("PRAGMA secure_delete = ON")
    connection.executemany(
        "UPDATE dgent_datums SET content = x'', metadata = '{}' WHERE namespace = ? AND id = ?",
        [(namespace, row[0]) for row in rows],
    )


def test_erasure_catches_vectors_left_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compaction, "_remove", _keeps_vectors)
    path = tmp_path / "memory.db"
    with pytest.raises(LawViolation, match="no byte of a compacted datum"):
        check_erasure(_factory(path), file_residue(path), settings=PLANTED)
