"""AGENTESE paths through ``Logos``: the seed's Pattern 5 on a real TableAdapter over SQLite,
memory verbs on MemoryDgent, permissions, keyword checks, suggestions, and a property that
every path string either resolves to a registered path or raises ``PathNotFound``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from dualtrack.agentese import VERBS, Logos, Umwelt
from dualtrack.app.models import Base, Crystal
from dualtrack.bridge import TableAdapter, refs_table
from dualtrack.errors import InvalidArgument, PathNotFound, PermissionDenied
from dualtrack.memory import Datum, MemoryDgent

READER = Umwelt("reader")
WRITER = Umwelt("scribe", may_write=True)


def crystal(summary: str, **fields: object) -> bytes:
    """A Crystal row's content, as the adapter stores it."""
    row = {"content_hash": "h", "summary": summary, "tags": ["t"], "datum_id": "d1"}
    return json.dumps(row | fields).encode()


@pytest.fixture
async def crystals(tmp_path: Path) -> AsyncIterator[TableAdapter]:
    """A TableAdapter over Crystal on a fresh SQLite file."""
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'app.db'}")
    async with engine.begin() as connection:
        for metadata in (Base.metadata, refs_table().metadata):
            await connection.run_sync(metadata.create_all)
    adapter = TableAdapter(model=Crystal, session_factory=async_sessionmaker(engine))
    yield adapter
    await adapter.close()
    await engine.dispose()


async def test_pattern_5_reads_crystals_through_the_table_adapter(
    crystals: TableAdapter,
) -> None:
    memory = MemoryDgent()
    logos = Logos(memory, {"crystal": crystals})
    await crystals.put(Datum(id="123", content=crystal("first"), created_at=1.7e9))
    await logos.invoke(
        "self.data.table.crystal.put",
        WRITER,
        datum=Datum(id="124", content=crystal("second"), created_at=1.7e9 + 1, causal_parent="123"),
    )

    # The seed's Pattern 5, verbatim.
    found = await logos.invoke("self.data.table.crystal.get", READER, id="123")
    page = await logos.invoke("self.data.table.crystal.list", READER, limit=10)

    assert found == await crystals.get("123")
    assert found.metadata["source"] == "alembic"
    assert [datum.id for datum in page] == ["123", "124"]
    chain = await logos.invoke("self.data.table.crystal.chain", READER, id="124")
    assert [datum.id for datum in chain] == ["123", "124"]
    assert await logos.invoke("self.data.table.crystal.count", READER) == 2
    assert await memory.count() == 0  # the table track never touches agent memory


async def test_capture_on_a_table_writes_a_row_and_not_agent_memory(
    crystals: TableAdapter,
) -> None:
    memory = MemoryDgent()
    logos = Logos(memory, {"crystal": crystals})
    made = await logos.invoke("self.data.table.crystal.capture", WRITER, content=crystal("x"))
    assert await logos.invoke("self.data.table.crystal.exists", READER, id=made.id)
    assert await memory.count() == 0


async def test_memory_verbs_reach_agent_memory() -> None:
    memory = MemoryDgent()
    tables = MemoryDgent("tables")
    logos = Logos(memory, {"notes": tables})
    root = await logos.invoke(
        "self.data.capture", WRITER, content=b"hello world", metadata={"kind": "note"}
    )
    child = root.derive(b"hello again")
    assert await logos.invoke("self.data.put", WRITER, datum=child) == child

    assert await logos.invoke("self.data.get", READER, id=root.id) == root
    assert root.metadata == {"kind": "note"}
    assert await logos.invoke("self.data.exists", READER, id=child.id)
    assert not await logos.invoke("self.data.exists", READER, id="nobody")
    assert await logos.invoke("self.data.count", READER) == 2
    assert await logos.invoke("self.data.chain", READER, id=child.id) == [root, child]
    assert await logos.invoke("self.data.children", READER, id=root.id) == [child]
    page = await logos.invoke("self.data.list", READER, limit=1, metadata={"kind": "note"})
    rest = await logos.invoke(
        "self.data.list", READER, cursor=page.cursor, metadata={"kind": "note"}
    )
    assert [*page, *rest] == [root, child]
    assert list(await logos.invoke("self.data.list", READER, prefix=child.id)) == [child]
    hits = await logos.invoke("self.data.search", READER, text="hello world", limit=1)
    assert [hit.datum for hit in hits] == [root]
    assert await tables.count() == 0


def test_paths_lists_every_verb_on_every_track() -> None:
    logos = Logos(MemoryDgent(), {"crystal": MemoryDgent("c")})
    expected = {f"self.data.{verb}" for verb in VERBS} | {
        f"self.data.table.crystal.{verb}" for verb in VERBS
    }
    assert set(logos.paths()) == expected
    assert set(VERBS) == {
        "get",
        "list",
        "search",
        "chain",
        "children",
        "count",
        "exists",
        "put",
        "capture",
    }
    assert {name for name, verb in VERBS.items() if verb.writes} == {"put", "capture"}


@pytest.mark.parametrize("path", ["self.data.put", "self.data.table.notes.capture"])
async def test_a_read_only_observer_cannot_write(path: str) -> None:
    memory, notes = MemoryDgent(), MemoryDgent("notes")
    logos = Logos(memory, {"notes": notes})
    datum = Datum(id="n1", content=b"{}", created_at=1.0)
    with pytest.raises(PermissionDenied, match=r"'reader'.*'(put|capture)'"):
        await logos.invoke(path, READER, datum=datum, content=b"{}")
    assert await memory.count() == 0
    assert await notes.count() == 0


@pytest.mark.parametrize(
    ("path", "suggested"),
    [
        ("self.data.gte", "self.data.get"),
        ("self.data.table.crystal.lsit", "self.data.table.crystal.list"),
        ("self.data.table.crystl.get", "self.data.table.crystal.get"),
        ("self.data.crystal.get", "self.data.table.crystal.get"),
        ("self.memory.count", "self.data.count"),
        ("", "self.data."),
    ],
)
async def test_an_unknown_path_names_the_nearest_ones(path: str, suggested: str) -> None:
    logos = Logos(MemoryDgent(), {"crystal": MemoryDgent("c")})
    with pytest.raises(PathNotFound, match="nearest: ") as caught:
        await logos.invoke(path, WRITER, id="x")
    assert suggested in str(caught.value)
    assert repr(path) in str(caught.value)


@pytest.mark.parametrize(
    "path",
    [
        "self.data._space",
        "self.data.__class__",
        "self.data._data",
        "self.data.table.crystal._codec",
        "self.data.table.crystal.__init__",
        "self.data.table._tables.get",
        "self.data.table.__dict__.get",
        "self.data.close",
        "self.data.set_ref",
        "self.data.scan",
        "self.data.put_many",
        "self.data.table",
        "self.data.table.crystal",
        "self.data",
        "self.data.get.get",
        " self.data.get",
        "self.data.GET",
    ],
)
async def test_private_and_unlisted_names_never_resolve(path: str) -> None:
    logos = Logos(MemoryDgent(), {"crystal": MemoryDgent("c")})
    with pytest.raises(PathNotFound):
        await logos.invoke(path, WRITER)


@pytest.mark.parametrize(
    ("path", "keywords", "message"),
    [
        ("self.data.get", {"datum_id": "x"}, r"does not take 'datum_id'; it accepts: id$"),
        ("self.data.get", {}, r"needs 'id'; it accepts: id"),
        ("self.data.count", {"limit": 1}, r"'limit'; it accepts: no keywords"),
        ("self.data.list", {"order": "desc"}, "accepts: limit, prefix, metadata, cursor"),
        ("self.data.search", {"limit": 2}, r"needs 'text'; it accepts: text, limit"),
        ("self.data.capture", {"contents": b""}, r"accepts: content, metadata"),
    ],
)
async def test_a_wrong_keyword_names_the_accepted_ones(
    path: str, keywords: dict[str, object], message: str
) -> None:
    memory = MemoryDgent()
    with pytest.raises(InvalidArgument, match=message):
        await Logos(memory).invoke(path, WRITER, **keywords)
    assert await memory.count() == 0


def test_register_table_refuses_bad_names_repeats_and_non_stores() -> None:
    logos = Logos(MemoryDgent())
    logos.register_table("crystal", MemoryDgent("c"))
    for name in ("_space", "__class__", "a.b", "", "1st", "crys tal"):
        with pytest.raises(InvalidArgument, match="public identifier"):
            logos.register_table(name, MemoryDgent("x"))
    with pytest.raises(InvalidArgument, match="already registered"):
        logos.register_table("crystal", MemoryDgent("c2"))
    with pytest.raises(InvalidArgument, match="DgentProtocol"):
        logos.register_table("other", object())  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="DgentProtocol"):
        Logos(object())  # type: ignore[arg-type]
    assert len(logos.paths()) == 2 * len(VERBS)


async def test_invoke_refuses_a_missing_umwelt_and_a_non_str_path() -> None:
    logos = Logos(MemoryDgent())
    with pytest.raises(InvalidArgument, match="Umwelt"):
        await logos.invoke("self.data.count", "reader")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="str"):
        await logos.invoke(["self", "data", "count"], READER)  # type: ignore[arg-type]


def test_umwelt_is_frozen_and_read_only_by_default() -> None:
    umwelt = Umwelt("reader")
    assert not umwelt.may_write
    with pytest.raises(AttributeError):
        umwelt.may_write = True  # type: ignore[misc]
    with pytest.raises(InvalidArgument):
        Umwelt("")
    with pytest.raises(InvalidArgument):
        Umwelt("x", may_write="yes")  # type: ignore[arg-type]


SEGMENTS = st.sampled_from(
    [
        "self",
        "data",
        "table",
        "crystal",
        "_space",
        "__class__",
        "__dict__",
        "_routes",
        "_tables",
        "__init__",
        "close",
        "scan",
        "",
        "Self",
        *VERBS,
    ]
) | st.text(max_size=8)


def paths() -> st.SearchStrategy[str]:
    """Path strings: often near valid ones, often with private or dunder segments."""
    return st.text() | st.lists(SEGMENTS, max_size=6).map(".".join)


@given(path=paths())
def test_every_path_resolves_or_raises_path_not_found(path: str) -> None:
    logos = Logos(MemoryDgent(), {"crystal": MemoryDgent("c")})

    async def call() -> object:
        return await logos.invoke(path, WRITER)

    if path in logos.paths():
        if VERBS[path.rsplit(".", 1)[1]].required:  # resolved, but the verb needs keywords
            with pytest.raises(InvalidArgument, match="needs"):
                asyncio.run(call())
        else:
            asyncio.run(call())
    else:
        with pytest.raises(PathNotFound):
            asyncio.run(call())
    if any(segment.startswith("_") for segment in path.split(".")):
        assert path not in logos.paths()
