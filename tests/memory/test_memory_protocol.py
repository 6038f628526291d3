"""Both interpreters are DgentProtocol stores, usable the way the seed uses agent memory."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import dualtrack
from dualtrack import DgentProtocol, Embedder, HashedNgramEmbedder, MemoryDgent, SQLiteDgent


def test_the_public_names_exist() -> None:
    for name in ("Datum", "DgentProtocol", "Embedder", "MemoryDgent", "SQLiteDgent"):
        assert name in dualtrack.__all__
    assert "DgentStateBackend" in dualtrack.__all__


async def test_both_interpreters_satisfy_the_protocol(tmp_path: Path) -> None:
    assert isinstance(MemoryDgent(), DgentProtocol)
    async with SQLiteDgent(tmp_path / "p.db") as store:
        assert isinstance(store, DgentProtocol)
    assert isinstance(HashedNgramEmbedder(), Embedder)


async def test_the_seed_capture_pattern(tmp_path: Path) -> None:
    async with SQLiteDgent(tmp_path / "seed.db") as dgent:
        datum = dualtrack.Datum(
            id=uuid4().hex,
            content=b"a crystal of insight",
            metadata={"type": "crystal", "tags": ["insight"]},
        )
        assert await dgent.put(datum) == datum
        assert await dgent.get(datum.id) == datum
        assert [d.id for d in await dgent.list(metadata={"type": "crystal"})] == [datum.id]
        assert (await dgent.search("crystal insight", limit=1))[0].datum == datum
