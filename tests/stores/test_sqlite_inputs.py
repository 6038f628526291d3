"""SQLiteDgent and bad or hostile input: typed errors or literal behaviour, the store unchanged,
and no user text ever inside SQL."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from dualtrack import (
    BackendUnavailable,
    ConflictError,
    Datum,
    ImmutableDatumError,
    InvalidArgument,
    InvalidCursor,
    InvalidDatum,
    MissingParentError,
    SQLiteDgent,
    UnknownDatum,
)
from dualtrack.memory.sqlite import writer as sqlite_writer

HOSTILE_ID = "'); DROP TABLE dgent_datums; --"
HOSTILE_KEY = 'k") OR 1=1 --'


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteDgent]:
    async with SQLiteDgent(tmp_path / "inputs.db", namespace="inputs") as opened:
        await opened.put_many(
            [
                Datum(id="%a", content=b"percent", created_at=1.0, metadata={"kind": "x"}),
                Datum(id="_b", content=b"underscore", created_at=2.0),
                Datum(id="abc", content=b"plain", created_at=3.0, metadata={HOSTILE_KEY: 1}),
                Datum(id="ABC", content=b"upper", created_at=4.0, metadata={"$.x": "'"}),
                Datum(id=HOSTILE_ID, content=b"quotes", created_at=5.0, causal_parent="abc"),
            ]
        )
        await opened.set_ref("head", HOSTILE_ID)
        yield opened


async def snapshot(store: SQLiteDgent) -> tuple[list[Datum], str | None]:
    return [d async for d in store.scan()], await store.get_ref("head")


async def ids(store: SQLiteDgent, **query: Any) -> list[str]:
    return [d.id for d in await store.list(**query)]


async def test_prefixes_are_literal_and_case_sensitive(store: SQLiteDgent) -> None:
    assert await ids(store, prefix="%") == ["%a"]
    assert await ids(store, prefix="_") == ["_b"]
    assert await ids(store, prefix="a") == ["abc"]
    assert await ids(store, prefix="A") == ["ABC"]
    assert await ids(store, prefix="'") == [HOSTILE_ID]
    assert await ids(store, prefix="%%") == []


async def test_hostile_ids_keys_and_values_are_plain_data(store: SQLiteDgent) -> None:
    stored = await store.get(HOSTILE_ID)
    assert stored is not None
    assert stored.content == b"quotes"
    assert [d.id for d in await store.causal_chain(HOSTILE_ID)] == ["abc", HOSTILE_ID]
    assert await ids(store, metadata={HOSTILE_KEY: 1}) == ["abc"]
    assert await ids(store, metadata={HOSTILE_KEY: "1"}) == []
    assert await ids(store, metadata={"$.x": "'"}) == ["ABC"]
    assert await ids(store, metadata={"kind": "x' OR '1'='1"}) == []
    assert await store.count() == 5


Call = Callable[[SQLiteDgent], Awaitable[Any]]

BAD_CALLS: list[tuple[str, Call, type[Exception]]] = [
    ("put a str", lambda s: s.put("text"), InvalidArgument),  # type: ignore[arg-type]
    ("put_many one datum", lambda s: s.put_many(Datum.create(b"x")), InvalidArgument),  # type: ignore[arg-type]
    (
        "put_many with a non-datum",
        lambda s: s.put_many([Datum.create(b"x"), b"y"]),
        InvalidArgument,
    ),  # type: ignore[list-item]
    ("get an int", lambda s: s.get(5), InvalidArgument),  # type: ignore[arg-type]
    ("exists None", lambda s: s.exists(None), InvalidArgument),  # type: ignore[arg-type]
    ("limit 0", lambda s: s.list(limit=0), InvalidArgument),
    ("limit a float", lambda s: s.list(limit=2.5), InvalidArgument),  # type: ignore[arg-type]
    ("order sideways", lambda s: s.list(order="sideways"), InvalidArgument),  # type: ignore[arg-type]
    ("prefix an int", lambda s: s.list(prefix=5), InvalidArgument),  # type: ignore[arg-type]
    ("after NaN", lambda s: s.list(after=float("nan")), InvalidArgument),
    ("metadata filter a set", lambda s: s.list(metadata={"k": {1}}), InvalidArgument),
    ("metadata filter not a mapping", lambda s: s.list(metadata=[("k", 1)]), InvalidArgument),  # type: ignore[arg-type]
    ("garbage cursor", lambda s: s.list(cursor="garbage"), InvalidCursor),
    ("cursor of another query", lambda s: s.list(cursor=_other_cursor()), InvalidCursor),
    ("empty ref name", lambda s: s.set_ref("", "abc"), InvalidArgument),
    ("ref to nothing", lambda s: s.set_ref("new", "no-such-id"), UnknownDatum),
    ("stale expected", lambda s: s.set_ref("head", "abc", expected="abc"), ConflictError),
    ("ref must not exist", lambda s: s.set_ref("head", "abc"), ConflictError),
    ("search bytes", lambda s: s.search(b"x"), InvalidArgument),  # type: ignore[arg-type]
    ("search limit 0", lambda s: s.search("x", limit=0), InvalidArgument),
    ("scan batch 0", lambda s: s.scan(batch_size=0).__anext__(), InvalidArgument),
    (
        "different datum under a used id",
        lambda s: s.put(Datum(id="abc", content=b"changed", created_at=3.0)),
        ImmutableDatumError,
    ),
    (
        "batch with a refused datum",
        lambda s: s.put_many(
            [Datum.create(b"fresh"), Datum(id="%a", content=b"other", created_at=1.0)]
        ),
        ImmutableDatumError,
    ),
    (
        "non-JSON metadata",
        lambda s: s.put(Datum(id="new", content=b"", metadata={"k": {1, 2}})),
        InvalidDatum,
    ),
    (
        "missing parent",
        lambda s: s.put(Datum.create(b"orphan", causal_parent="nowhere")),
        MissingParentError,
    ),
]


def _other_cursor() -> str:
    from dualtrack.memory.cursor import encode_cursor
    from dualtrack.memory.query import ListQuery

    return encode_cursor(ListQuery.of(prefix="zzz"), Datum(id="a", content=b"", created_at=0.0))


@pytest.mark.parametrize(("what", "call", "error"), BAD_CALLS, ids=[c[0] for c in BAD_CALLS])
async def test_bad_input_gets_a_typed_error_and_changes_nothing(
    store: SQLiteDgent, what: str, call: Call, error: type[Exception]
) -> None:
    before = await snapshot(store)
    with pytest.raises(error) as caught:
        await call(store)
    assert str(caught.value), f"{what}: the error should say what went wrong"
    assert await snapshot(store) == before


async def test_no_user_text_reaches_sql(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    statements: list[str] = []

    class Recording(sqlite3.Connection):
        def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
            statements.append(sql)
            return super().execute(sql, *args)

        def executemany(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
            statements.append(sql)
            return super().executemany(sql, *args)

    real_connect = sqlite3.connect

    def recording_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        return real_connect(*args, factory=Recording, **kwargs)

    monkeypatch.setattr(sqlite_writer.sqlite3, "connect", recording_connect)
    marker = "MARK'\"%_;--"
    async with SQLiteDgent(tmp_path / "traced.db", namespace=f"ns{marker}") as traced:
        root = await traced.put(
            Datum(id=f"id{marker}", content=marker.encode(), metadata={f"k{marker}": marker})
        )
        await traced.put_many([root.derive(b"child", metadata={marker: [marker]})])
        await traced.set_ref(f"ref{marker}", root.id)
        await traced.get_ref(f"ref{marker}")
        await traced.list(prefix=f"id{marker}", metadata={f"k{marker}": marker})
        page = await traced.list(limit=1)
        await traced.list(limit=1, cursor=page.cursor)
        await traced.causal_chain(root.id)
        await traced.children(root.id)
        await traced.search(f"search{marker}", metadata={f"k{marker}": marker})
        await traced.exists(f"x{marker}")
    assert statements, "the recording connection saw no statements"
    assert not [s for s in statements if "MARK" in s]


async def test_a_memory_path_is_refused() -> None:
    with pytest.raises(BackendUnavailable, match="MemoryDgent"):
        SQLiteDgent(":memory:")


async def test_a_missing_folder_is_an_error_not_a_fallback(tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailable, match="missing"):
        await SQLiteDgent.open(tmp_path / "no" / "such" / "memory.db")


async def test_a_closed_store_refuses_use(tmp_path: Path) -> None:
    store = await SQLiteDgent.open(tmp_path / "closed.db")
    await store.close()
    with pytest.raises(BackendUnavailable, match="closed"):
        await store.get("x")
    with pytest.raises(BackendUnavailable, match="closed"):
        await store.put(Datum.create(b"x"))


async def test_the_file_is_intact_after_refusals(store: SQLiteDgent) -> None:
    for _, call, error in BAD_CALLS:
        with pytest.raises(error):
            await call(store)
    with sqlite3.connect(store.path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
