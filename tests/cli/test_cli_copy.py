"""``dualtrack copy``: SQLite to PostgreSQL and back keeps every datum and ref; a copy killed
with SIGKILL finishes when run again, with nothing duplicated or missing; a destination that
holds other memory is refused and left as it was."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from dualtrack.app.blocking import run_blocking
from dualtrack.app.scratch import PostgresScratch
from tests.cli.cli_support import (
    DUALTRACK,
    digests,
    dualtrack,
    environment,
    fill,
    invoke,
    point_ref,
    sample,
)

#: The round trip's size, as the issue asks: 100,000 datums with chains, metadata and refs.
ROUND_TRIP = {"conversations": 70_000, "facts": 30_000}


@pytest.mark.slow
@pytest.mark.postgres
def test_sqlite_to_postgres_to_sqlite_on_100000_datums(
    postgres_databases: PostgresScratch, tmp_path: Path
) -> None:
    first = f"sqlite:///{tmp_path / 'first.db'}"
    for place, (namespace, count) in enumerate(ROUND_TRIP.items()):
        fill(first, namespace, sample(count, seed=place, prefix=namespace[0]), refs=25)
    middle = postgres_databases()
    last = f"sqlite:///{tmp_path / 'last.db'}"

    there = dualtrack("copy", first, middle, "--json", home=tmp_path, timeout=600)
    assert there.code == 0, there
    assert there.json()["verified"] is True
    back = dualtrack("copy", middle, last, home=tmp_path, timeout=600)
    assert back.code == 0, back
    assert "equal" in back.out
    assert "verified: every namespace copied" in back.err
    assert "datums/s" in back.err

    before, after = digests(first, list(ROUND_TRIP)), digests(last, list(ROUND_TRIP))
    assert after == before
    assert {name: found.datums for name, found in after.items()} == ROUND_TRIP
    assert all(found.refs == 25 for found in after.values())


def _sqlite_count(path: Path) -> int:
    if not path.exists():
        return 0
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        return int(connection.execute("SELECT count(*) FROM dgent_datums").fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # the tables are not there yet
    finally:
        connection.close()


async def _postgres_count(url: str) -> int:
    connection = await asyncpg.connect(
        make_url(url).set(drivername="postgresql").render_as_string(False)
    )
    try:
        return int(await connection.fetchval("SELECT count(*) FROM dualtrack_datums"))
    except asyncpg.UndefinedTableError:
        return 0
    finally:
        await connection.close()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_copy_killed_midway_finishes_when_run_again(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    total = 20_000
    source = f"sqlite:///{tmp_path / 'source.db'}"
    fill(source, "default", sample(total, seed=9), refs=10)
    if kind == "sqlite":
        target = tmp_path / "target.db"
        destination = f"sqlite:///{target}"

        def count() -> int:
            return _sqlite_count(target)
    else:
        destination = request.getfixturevalue("postgres_databases")()

        def count() -> int:
            return run_blocking(_postgres_count(destination))

    copying = subprocess.Popen(
        [str(DUALTRACK), "copy", source, destination, "--batch-size", "50"],
        env=environment(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while count() < 500 and copying.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(copying.pid, signal.SIGKILL)
    copying.wait(timeout=30)
    assert copying.returncode == -signal.SIGKILL
    stopped_at = count()
    assert 0 < stopped_at < total, "the copy was not stopped midway"

    again = dualtrack("copy", source, destination, "--json", home=tmp_path, timeout=600)
    assert again.code == 0, again
    assert again.json()["verified"] is True
    assert count() == total
    assert digests(destination, ["default"]) == digests(source, ["default"])


def test_copying_again_changes_nothing(tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    fill(source, "default", sample(300, seed=2), refs=4)
    destination = f"sqlite:///{tmp_path / 'copy.db'}"
    assert invoke("copy", source, destination, home=tmp_path).code == 0
    copied = digests(destination, ["default"])
    again = invoke("copy", source, destination, "--json", home=tmp_path)
    assert again.code == 0, again
    assert again.json()["namespaces"][0]["destination"]["datums"] == 300
    assert digests(destination, ["default"]) == copied


def test_a_destination_holding_other_datums_is_refused_and_left_as_it_was(
    tmp_path: Path,
) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    fill(source, "default", sample(50, seed=5), refs=2)
    destination = f"sqlite:///{tmp_path / 'copy.db'}"
    fill(destination, "default", sample(3, seed=6, prefix="other"), refs=1)
    before = digests(destination, ["default"])
    ran = invoke("copy", source, destination, "--json", home=tmp_path)
    assert ran.code == 1
    assert ran.out == ""
    last = ran.err.splitlines()[-1]
    assert last.startswith("error: the destination's namespace 'default' holds what the source")
    assert "datum 'other" in last
    assert "nothing was copied" in last
    assert digests(destination, ["default"]) == before


def test_a_destination_ref_the_source_has_no_name_for_is_refused(tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    datums = sample(20, seed=7)
    fill(source, "default", datums, refs=1)
    destination = f"sqlite:///{tmp_path / 'copy.db'}"
    assert invoke("copy", source, destination, home=tmp_path).code == 0
    point_ref(destination, "default", "mine", datums[0].id)
    before = digests(destination, ["default"])
    ran = invoke("copy", source, destination, home=tmp_path)
    assert ran.code == 1
    assert "ref 'mine'" in ran.err.splitlines()[-1]
    assert digests(destination, ["default"]) == before


def test_copy_of_one_namespace_and_of_a_missing_one(tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    fill(source, "a", sample(20, seed=1))
    fill(source, "b", sample(10, seed=2))
    destination = f"sqlite:///{tmp_path / 'copy.db'}"
    ran = invoke("copy", source, destination, "-n", "b", "--json", home=tmp_path)
    assert ran.code == 0, ran
    assert [row["namespace"] for row in ran.json()["namespaces"]] == ["b"]
    names = invoke("memory", "namespaces", destination, "--json", home=tmp_path).json()
    assert names == ["b"]
    missing = invoke("copy", source, destination, "-n", "c", home=tmp_path)
    assert missing.code == 1
    assert "no namespace 'c'" in missing.err


def test_a_copy_into_memory_is_refused_as_keeping_nothing(tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    fill(source, "notes", sample(5, seed=9))
    ran = invoke("copy", source, "memory://", home=tmp_path)
    assert ran.code == 2
    assert "copy into memory:// would keep nothing" in ran.err
    empty = invoke("copy", "memory://", f"sqlite:///{tmp_path / 'copy.db'}", home=tmp_path)
    assert empty.code == 1
    assert empty.err == "error: memory:// holds no agent memory: nothing to copy\n"
    assert not (tmp_path / "copy.db").exists()


def test_no_second_store_is_started_in_a_file_holding_the_other_kind(tmp_path: Path) -> None:
    path = tmp_path / "memory.db"
    fill(f"sqlite:///{path}", "notes", sample(5, seed=10))
    before = path.read_bytes()
    for command in (
        ["copy", f"sqlite:///{path}", f"sqlite+aiosqlite:///{path}"],
        ["import", f"sqlite+aiosqlite:///{path}", str(tmp_path / "backup.jsonl")],
    ):
        if command[0] == "import":
            invoke("export", f"sqlite:///{path}", "-o", command[2], home=tmp_path)
        ran = invoke(*command, home=tmp_path)
        assert ran.code == 1, ran
        assert ran.err == (
            f"error: sqlite+aiosqlite:///{path} would start a second store in a file that "
            f"holds one already; it holds the other kind of store: open it as sqlite:///{path}\n"
        )
    assert path.read_bytes() == before
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert not [
            row for row in db.execute("SELECT name FROM sqlite_master WHERE name LIKE 'dualtrack%'")
        ]
