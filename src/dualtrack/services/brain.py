"""``BrainPersistence``: the seed's Brain, captured on both tracks at once.

A capture writes the content as a :class:`~dualtrack.memory.datum.Datum` in agent memory and
its queryable :class:`~dualtrack.app.models.Crystal` (hash, summary, tags, ``datum_id``) in
application state, in one transaction through :class:`~dualtrack.dual.track.DualTrack`. Both
tracks live in the configured application database (``DUALTRACK_DATABASE_URL``), agent memory
in the namespace ``brain``: that is what makes a capture atomic, so ``DUALTRACK_MEMORY_URL``
does not move the Brain's memory elsewhere.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from dualtrack.app.engines import begin, open_engine
from dualtrack.app.migrate import upgrade_async
from dualtrack.app.models import Base, Crystal
from dualtrack.bridge.chain_query import ancestry, root_first
from dualtrack.config import database_url
from dualtrack.dual.track import DualTrack
from dualtrack.errors import InvalidArgument, MissingParentError
from dualtrack.memory.datum import Datum
from dualtrack.memory.protocol import DgentProtocol

#: The agent-memory namespace the Brain writes its datums in.
BRAIN_NAMESPACE = "brain"

_CRYSTALS = Base.metadata.tables[Crystal.__tablename__]
_KEY = _CRYSTALS.c.id
_PARENT = _CRYSTALS.c.parent_id


@dataclass(frozen=True, slots=True)
class Recollection:
    """One captured memory: the crystal's fields, and its content read from agent memory.

    ``content`` is ``None`` when agent memory holds no datum for the crystal.
    """

    crystal_id: str
    datum_id: str
    content: str | None
    summary: str
    tags: tuple[str, ...]
    content_hash: str
    parent_id: str | None
    created_at: datetime


class BrainPersistence:
    """Capture, fetch, search and follow crystals, each backed by a datum in agent memory.

    ``BrainPersistence(engine)`` works on a migrated database whose engine you own;
    :meth:`open` migrates the configured database and owns the engine it makes.
    """

    def __init__(
        self, engine: AsyncEngine, *, namespace: str = BRAIN_NAMESPACE, owns_engine: bool = False
    ) -> None:
        self._engine = engine
        self._tracks = DualTrack(engine, namespace=namespace)
        self._owns_engine = owns_engine

    @classmethod
    async def open(
        cls, url: str | URL | None = None, *, namespace: str = BRAIN_NAMESPACE
    ) -> BrainPersistence:
        """Migrate ``url`` (default: :func:`~dualtrack.config.database_url`) to its heads and
        return a Brain on it that owns its engine."""
        target = database_url() if url is None else url
        await upgrade_async(target)
        engine = open_engine(target)
        return cls(engine, namespace=namespace, owns_engine=True)

    @property
    def memory(self) -> DgentProtocol:
        """Agent memory, where each crystal's content lives as a datum."""
        return self._tracks.memory

    async def capture(
        self, content: str, tags: Iterable[str] = (), *, parent_id: str | None = None
    ) -> Recollection:
        """Store ``content`` as a datum and a crystal, atomically; ``parent_id`` names the
        crystal this one follows (its datum becomes the new datum's causal parent)."""
        if not isinstance(content, str):
            raise InvalidArgument(f"content must be a str, got {type(content).__name__}")
        if isinstance(tags, str):
            raise InvalidArgument(f"tags must be a list of strings, not the str {tags!r}")
        labels = list(tags)
        causal_parent = None
        if parent_id is not None:
            parent = await self._crystal(parent_id)
            if parent is None:
                raise MissingParentError(f"no crystal {parent_id!r} to follow")
            causal_parent = parent["datum_id"]
        datum = Datum.create(
            content.encode(),
            metadata={"type": "crystal", "tags": labels},
            causal_parent=causal_parent,
        )
        crystal = Crystal.from_content(content, datum_id=datum.id, tags=labels, parent_id=parent_id)
        stored = await self._tracks.capture(datum, [crystal])
        fields = {column.name: getattr(crystal, column.name) for column in _CRYSTALS.columns}
        return _recollection(fields, stored)

    async def get(self, crystal_id: str) -> Recollection | None:
        """The memory captured as ``crystal_id``, or ``None``."""
        fields = await self._crystal(crystal_id)
        if fields is None:
            return None
        return _recollection(fields, await self.memory.get(fields["datum_id"]))

    async def search(self, text: str, limit: int = 10) -> list[Recollection]:
        """Up to ``limit`` memories whose content is most similar to ``text``, best first."""
        hits = await self.memory.search(text, limit=limit, metadata={"type": "crystal"})
        datums = {hit.datum.id: hit.datum for hit in hits}
        async with begin(self._engine) as connection:
            found = await connection.execute(
                select(_CRYSTALS).where(_CRYSTALS.c.datum_id.in_(list(datums)))
            )
            by_datum = {row["datum_id"]: row for row in found.mappings().all()}
        return [
            _recollection(by_datum[hit.datum.id], hit.datum)
            for hit in hits
            if hit.datum.id in by_datum
        ]

    async def chain(self, crystal_id: str) -> list[Recollection]:
        """The crystals from the root down to ``crystal_id`` (``[]`` if it is unknown)."""
        async with begin(self._engine) as connection:
            found = await connection.execute(ancestry(_CRYSTALS, _KEY, _PARENT, crystal_id))
            rows = found.mappings().all()
        walk = root_first(rows, _KEY, _PARENT, crystal_id)
        datums = await asyncio.gather(*(self.memory.get(row[_CRYSTALS.c.datum_id]) for row in walk))
        return [
            _recollection({column.name: row[column] for column in _CRYSTALS.columns}, datum)
            for row, datum in zip(walk, datums, strict=True)
        ]

    async def close(self) -> None:
        """Close agent memory's store, and the engine when :meth:`open` made it."""
        await self._tracks.close()
        if self._owns_engine:
            await self._engine.dispose()

    async def _crystal(self, crystal_id: str) -> Mapping[Any, Any] | None:
        async with begin(self._engine) as connection:
            found = await connection.execute(select(_CRYSTALS).where(_CRYSTALS.c.id == crystal_id))
            return found.mappings().one_or_none()


def _recollection(fields: Mapping[Any, Any], datum: Datum | None) -> Recollection:
    return Recollection(
        crystal_id=fields["id"],
        datum_id=fields["datum_id"],
        content=None if datum is None else datum.content.decode(errors="replace"),
        summary=fields["summary"],
        tags=tuple(fields["tags"]),
        content_hash=fields["content_hash"],
        parent_id=fields["parent_id"],
        created_at=fields["created_at"],
    )
