"""``dualtrack laws URL``: the conformance kit against a live store, inside a scratch namespace
prefix; every other namespace stays byte for byte as it was."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from dualtrack import Datum, ImmutableDatumError, MemoryDgent
from dualtrack.app.blocking import run_blocking
from dualtrack.cli import main
from dualtrack.memory import DgentProtocol
from laws.dgent import conformance_laws
from tests.cli.cli_support import dualtrack, fill, invoke, sample, store_url

__all__ = ["store_url"]

SCRATCH = "dualtrack-laws-"


def _sqlite_rows(url: str) -> list[Any]:
    connection = sqlite3.connect(make_url(url).database or "")
    try:
        return [
            connection.execute(
                f"SELECT * FROM {table} WHERE substr(namespace, 1, 15) != ? ORDER BY 1, 2, 3",
                (SCRATCH,),
            ).fetchall()
            for table in ("dgent_datums", "dgent_metadata", "dgent_refs")
        ]
    finally:
        connection.close()


async def _postgres_rows(url: str) -> list[Any]:
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(plain)
    try:
        datums = await connection.fetch(
            "SELECT namespace, id, content, created_at, causal_parent, metadata, facets::text, "
            "vector FROM dualtrack_datums WHERE left(namespace, 15) != $1 ORDER BY 1, 2",
            SCRATCH,
        )
        refs = await connection.fetch(
            "SELECT * FROM dualtrack_refs WHERE left(namespace, 15) != $1 ORDER BY 1, 2", SCRATCH
        )
        return [[tuple(row) for row in datums], [tuple(row) for row in refs]]
    finally:
        await connection.close()


def _rows(url: str) -> list[Any]:
    if url.startswith("sqlite"):
        return _sqlite_rows(url)
    return run_blocking(_postgres_rows(url))


def test_the_kit_runs_in_scratch_namespaces_and_leaves_the_rest_alone(
    store_url: str, tmp_path: Path
) -> None:
    fill(store_url, "notes", sample(200, seed=1), refs=5)
    fill(store_url, "plans", sample(30, seed=2, prefix="p"), refs=2)
    before = _rows(store_url)
    assert len(before[0]) == 230

    ran = dualtrack(
        "laws", store_url, "--examples", "3", "--steps", "5", "--json", home=tmp_path, timeout=600
    )
    assert ran.code == 0, ran
    report = ran.json()
    assert report["passed"] is True
    assert [law["law"] for law in report["laws"]] == [law.name for law in conformance_laws()]
    assert all(law["passed"] for law in report["laws"])
    prefix = report["scratch_prefix"]
    assert prefix.startswith(SCRATCH)
    assert report["scratch_namespaces"] == 0  # every law held: the scratch data was cleared
    assert f"scratch data under {prefix}/ cleared" in ran.err
    assert ran.err.count("✓ ") == len(report["laws"])
    assert not (tmp_path / ".hypothesis").exists(), "hypothesis' caches left where it ran"

    assert _rows(store_url) == before
    names = invoke("memory", "namespaces", store_url, "--json", home=tmp_path).json()
    assert names == ["notes", "plans"]

    table = invoke(
        "laws",
        store_url,
        "--examples",
        "2",
        "--law",
        "round trip",
        "--keep-scratch",
        home=tmp_path,
    )
    assert table.code == 0, table
    assert "round trip" in table.out
    assert "holds" in table.out
    kept = invoke("memory", "namespaces", store_url, "--json", home=tmp_path).json()
    assert len(kept) > 2
    assert all(name.startswith(SCRATCH) for name in kept if name not in ("notes", "plans"))
    assert "scratch data left in" in table.err


class NotIdempotent(MemoryDgent):
    """Putting a stored datum again is refused."""

    async def put(self, datum: Datum) -> Datum:
        if await self.exists(datum.id):
            raise ImmutableDatumError("already there")
        return await super().put(datum)


def test_every_law_holds_on_memory_stores_sharing_one_space(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["laws", "memory://", "--examples", "5", "--steps", "5"])
    assert exited.value.code == 0
    _, err = capsys.readouterr()
    assert "✗" not in err
    assert "✓ namespace listing" in err


def test_a_failing_law_is_reported_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "stand-in.db").touch()  # laws refuses a file that is not there
    url = f"sqlite:///{tmp_path / 'stand-in.db'}"

    async def broken(url: str, namespace: str = "default") -> DgentProtocol:
        return NotIdempotent(namespace)

    monkeypatch.setattr("dualtrack.cli.lawcheck.open_writing", broken)
    with pytest.raises(SystemExit) as exited:
        main(["laws", url, "--examples", "30", "--law", "idempotent put", "--law", "search"])
    assert exited.value.code == 1
    out, err = capsys.readouterr()
    assert "FAILS" in out
    assert "✗ idempotent put" in err
    assert "put(d) again returns d" in err
    assert "✓ search" in err
    assert err.splitlines()[-1] == (f"error: 1 of 2 laws fail against {url}: idempotent put")


def test_an_unknown_law_or_a_bad_url_is_refused(tmp_path: Path) -> None:
    unknown = invoke("laws", "memory://", "--law", "gravity", home=tmp_path)
    assert unknown.code == 2
    assert "no law 'gravity'" in unknown.err
    bad = invoke("laws", "mongodb://x/y", home=tmp_path)
    assert bad.code == 1
    assert bad.err.startswith("error: no agent-memory store for scheme 'mongodb'")
    missing = invoke("laws", f"sqlite:///{tmp_path / 'typo.db'}", home=tmp_path)
    assert missing.code == 1
    assert "the file" in missing.err
    assert "does not exist" in missing.err
    assert not (tmp_path / "typo.db").exists()
