"""SQLiteDgent's metadata rows, written by the first filtered read after their datums: filters
find every datum stored before they began, across stores and namespaces sharing a file, after
forgetting and compaction (which may let SQLite reuse the highest ``seq``), and in files from
before the rows were lazy."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dualtrack import Datum
from dualtrack.memory.retention.policy import CompactionPolicy
from dualtrack.memory.sqlite import schema as sql
from dualtrack.memory.sqlite.store import SQLiteDgent

NAMESPACES = ("a", "b")
VALUES = (0, 1)

steps = st.lists(
    st.one_of(
        st.tuples(st.just("put"), st.sampled_from(NAMESPACES), st.sampled_from(VALUES)),
        st.tuples(st.just("forget"), st.sampled_from(NAMESPACES), st.integers(0, 5)),
        st.tuples(st.just("compact"), st.sampled_from(NAMESPACES), st.just(0)),
        st.tuples(st.just("list"), st.sampled_from(NAMESPACES), st.sampled_from(VALUES)),
    ),
    max_size=14,
)

#: Lists that see the newest datum, then compaction removing it, then a put reusing its
#: ``seq``: the case where a mark left above the highest ``seq`` would hide the new datum.
REUSED_SEQ = [
    ("put", "a", 0),
    ("put", "a", 0),
    ("list", "a", 0),
    ("forget", "a", 1),
    ("compact", "a", 0),
    ("put", "a", 0),
    ("list", "a", 0),
]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(program=REUSED_SEQ)
@given(program=steps)
def test_filters_find_what_the_model_holds(
    tmp_path_factory: object, program: list[tuple[str, str, int]]
) -> None:
    folder = Path(tmp_path_factory.mktemp("rows"))  # type: ignore[attr-defined]
    asyncio.run(_run(folder / "m.db", program))


async def _run(path: Path, program: list[tuple[str, str, int]]) -> None:
    stores = {ns: await SQLiteDgent.open(path, namespace=ns) for ns in NAMESPACES}
    model: dict[str, dict[str, int]] = {ns: {} for ns in NAMESPACES}  # shown id -> value
    made = 0
    try:
        for kind, ns, number in program:
            store = stores[ns]
            if kind == "put":
                made += 1
                datum = Datum(id=f"{ns}{made}", content=b"x", metadata={"k": number})
                await store.put(datum)
                model[ns][datum.id] = number
            elif kind == "forget" and model[ns]:
                chosen = sorted(model[ns])[number % len(model[ns])]
                await store.forget([chosen])
                del model[ns][chosen]
            elif kind == "compact":
                await store.compact(CompactionPolicy())
            elif kind == "list":
                page = await store.list(metadata={"k": number}, limit=None)
                wanted = {i for i, value in model[ns].items() if value == number}
                assert {d.id for d in page.items} == wanted
        for ns, store in stores.items():  # and at the end, through a store opened afresh
            await store.close()
            async with SQLiteDgent(path, namespace=ns) as again:
                for number in VALUES:
                    page = await again.list(metadata={"k": number}, limit=None)
                    wanted = {i for i, value in model[ns].items() if value == number}
                    assert {d.id for d in page.items} == wanted
    finally:
        for store in stores.values():
            await store.close()


def test_a_file_from_before_lazy_rows_is_read_whole(tmp_path: Path) -> None:
    """An older writer stored the rows with each datum and knew no marks: its namespaces are
    marked as indexed when the file is opened, and no row is written twice."""
    path = tmp_path / "old.db"
    connection = sqlite3.connect(path)
    for statement in sql.SCHEMA:
        if "dgent_indexed" not in statement:
            connection.execute(statement)
    for number in range(5):
        connection.execute(
            sql.INSERT_DATUM,
            ("old", f"d{number}", b"x", float(number), None, f'{{"k":{number % 2}}}'),
        )
        connection.execute(
            sql.INSERT_METADATA, ("old", "k", str(number % 2), float(number), f"d{number}")
        )
    connection.commit()
    connection.close()

    async def read() -> tuple[list[str], list[str]]:
        async with SQLiteDgent(path, namespace="old") as store:
            await store.count()  # opened: the file's schema is brought up to date
            marks = sqlite3.connect(path).execute("SELECT * FROM dgent_indexed").fetchall()
            assert marks == [("old", 5)]  # seeded: the old rows are not written again
            await store.put(Datum(id="new", content=b"y", created_at=9.0, metadata={"k": 1}))
            ones = await store.list(metadata={"k": 1}, limit=None)
            zeros = await store.list(metadata={"k": 0}, limit=None)
            return [d.id for d in ones.items], [d.id for d in zeros.items]

    assert asyncio.run(read()) == (["d1", "d3", "new"], ["d0", "d2", "d4"])
    connection = sqlite3.connect(path)
    assert connection.execute("SELECT count(*) FROM dgent_metadata").fetchone() == (6,)
    assert connection.execute("SELECT seq FROM dgent_indexed").fetchall() == [(6,)]
    connection.close()
