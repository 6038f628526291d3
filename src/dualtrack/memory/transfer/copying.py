"""Copying one namespace from a store into another: streaming, causal, idempotent, resumable.

Datums go in ``scan_causal`` order (each after its parent), in batches through ``put_many``,
while the next batch is being read. Where the source's chains are cut (it forgot an ancestor),
the destination forgets the same ids first, so the survivors fit there too. Every step is
idempotent (a datum the destination already holds is skipped; a ref already in place is left
alone), so a copy stopped at any point, even by ``SIGKILL``, finishes when run again, with
nothing duplicated or missing. A destination holding anything the source does not (other
datums, or refs the source has no name for) is refused before anything is written: a copy
fills an empty namespace or finishes an earlier copy, and never mixes two stores' memories.
Memory holds two batches at most, whatever the size of the store.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from dualtrack.errors import ConflictError
from dualtrack.memory.datum import Datum
from dualtrack.memory.protocol import DgentProtocol
from dualtrack.memory.retention import Retention
from dualtrack.memory.transfer.digest import REF_PAGE

#: How many datums one read and one ``put_many`` move by default.
DEFAULT_BATCH = 1000

#: Called with the number of datums just written.
Progress = Callable[[int], None]


@dataclass(frozen=True)
class CopyReport:
    """What a copy of one namespace did: datums read and written (already present ones
    included), refs seen, and refs it had to set or move in the destination."""

    namespace: str
    datums: int
    refs: int
    refs_set: int


async def batches(datums: AsyncIterator[Datum], size: int) -> AsyncIterator[list[Datum]]:
    """``datums`` in lists of ``size`` (the last one shorter)."""
    batch: list[Datum] = []
    async for datum in datums:
        batch.append(datum)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


Ahead = asyncio.Queue[list[Datum] | Exception | None]


async def _read_ahead(source: AsyncIterator[list[Datum]], queue: Ahead) -> None:
    """Put each batch of ``source`` in ``queue``, then ``None``, or the error reading failed
    with (the writer raises it)."""
    try:
        async for batch in source:
            await queue.put(batch)
    except Exception as error:
        await queue.put(error)
        return
    await queue.put(None)


async def copy_namespace(
    source: DgentProtocol,
    destination: DgentProtocol,
    *,
    batch_size: int = DEFAULT_BATCH,
    progress: Progress | None = None,
) -> CopyReport:
    """Copy every datum of ``source``'s namespace, then every ref, into ``destination``.

    A destination holding a datum the source does not hold (or holds otherwise), or a ref
    the source has no name for, is refused with ``ConflictError`` before anything is
    written. A destination ref the source also has is moved to the source's target.

    >>> import asyncio
    >>> from dualtrack import Datum, MemoryDgent
    >>> async def demo():
    ...     source, destination = MemoryDgent(), MemoryDgent()
    ...     child = await source.put(Datum(id="late", content=b"child", created_at=1.0,
    ...         causal_parent=(await source.put(Datum(id="p", content=b"", created_at=2.0))).id))
    ...     await source.set_ref("head", child.id)
    ...     report = await copy_namespace(source, destination, batch_size=1)
    ...     return report, await destination.get_ref("head")
    >>> asyncio.run(demo())
    (CopyReport(namespace='default', datums=2, refs=1, refs_set=1), 'late')
    """
    hidden = await refuse_foreign(source, destination, batch_size)
    if hidden and isinstance(destination, Retention):
        await destination.forget(ids=hidden)
    await carry_truncations(source, destination)
    queue: Ahead = asyncio.Queue(maxsize=1)
    reader = asyncio.ensure_future(
        _read_ahead(batches(source.scan_causal(batch_size=batch_size), batch_size), queue)
    )
    copied = 0
    try:
        while (batch := await queue.get()) is not None:
            if isinstance(batch, Exception):
                raise batch
            await destination.put_many(batch)
            copied += len(batch)
            if progress is not None:
                progress(len(batch))
        await reader
    finally:
        if not reader.done():
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
    refs, moved = await copy_refs(source, destination)
    if isinstance(destination, Analysable):
        await destination.refresh_statistics()
    return CopyReport(source.namespace, copied, refs, moved)


#: How many foreign datum ids or ref names a refusal names.
_NAMED = 3

#: How many of the destination's datums are looked up in the source at once.
_PROBES = 500


async def refuse_foreign(
    source: DgentProtocol, destination: DgentProtocol, batch_size: int
) -> list[str]:
    """Raise ``ConflictError`` if ``destination`` holds a datum that ``source`` does not hold
    as it is, or a ref whose name ``source`` does not have: copying would mix the two. What an
    interrupted copy left behind is all the source's, so finishing it is never refused: the
    ids of datums the source has hidden since (forgotten, expired or erased) are returned, for
    the destination to forget too."""
    hiding = isinstance(source, Retention) and isinstance(destination, Retention)
    datums: list[str] = []
    hidden: list[str] = []
    page_size = min(batch_size, _PROBES)
    async for page in batches(destination.scan(batch_size=page_size), page_size):
        theirs = await asyncio.gather(*(source.get(datum.id) for datum in page))
        for mine, same in zip(page, theirs, strict=True):
            if mine == same:
                continue
            if hiding and await _hidden_there(source, mine):
                hidden.append(mine.id)
            else:
                datums.append(mine.id)
        if len(datums) > _NAMED:
            break
    refs: list[str] = []
    after: str | None = None
    while len(refs) <= _NAMED:
        held = await destination.list_refs(after=after, limit=REF_PAGE)
        targets = await asyncio.gather(*(source.get_ref(name) for name, _ in held))
        refs += [name for (name, _), target in zip(held, targets, strict=True) if target is None]
        if len(held) < REF_PAGE:
            break
        after = held[-1][0]
    if datums or refs:
        named = [f"datum {name!r}" for name in datums[:_NAMED]]
        named += [f"ref {name!r}" for name in refs[:_NAMED]]
        more = ", and more" if len(datums) > _NAMED or len(refs) > _NAMED else ""
        raise ConflictError(
            f"the destination's namespace {destination.namespace!r} holds what the source's "
            f"does not ({', '.join(named)}{more}), so nothing "
            "was copied: a copy fills an empty namespace or finishes an earlier copy of the "
            "same source, and never mixes two stores' memories. Copy into an empty database"
        )
    return hidden


async def _hidden_there(source: DgentProtocol, mine: Datum) -> bool:
    """Whether ``source`` holds ``mine`` hidden (forgotten or expired), or erased its id."""
    assert isinstance(source, Retention)
    held = await source.get(mine.id, include_hidden=True)
    if held is not None:
        return held == mine
    return await source.state_of(mine.id) == "erased"


@runtime_checkable
class Analysable(Protocol):
    """A store whose database plans from statistics it must refresh after a bulk load."""

    async def refresh_statistics(self) -> None:
        """Refresh the planner's statistics of the store's tables."""
        ...


async def carry_truncations(source: DgentProtocol, destination: DgentProtocol) -> int:
    """Forget in ``destination`` the ids at which ``source``'s chains stop (ancestors it
    forgot, or that expired or were erased), so the survivors below them fit there, cut at the
    same place; the number of ids carried. Nothing to do unless both stores can forget."""
    if not isinstance(source, Retention) or not isinstance(destination, Retention):
        return 0
    cuts = await source.truncations()
    if cuts:
        await destination.forget(ids=cuts)
    return len(cuts)


async def copy_refs(source: DgentProtocol, destination: DgentProtocol) -> tuple[int, int]:
    """Point every ref of ``destination`` named in ``source`` where ``source``'s points (by
    compare-and-set from what it points at now); return ``(refs seen, refs set or moved)``."""
    seen = moved = 0
    after: str | None = None
    while True:
        page = await source.list_refs(after=after, limit=REF_PAGE)
        for name, target in page:
            moved += await place_ref(destination, name, target)
        seen += len(page)
        if len(page) < REF_PAGE:
            return seen, moved
        after = page[-1][0]


async def place_ref(destination: DgentProtocol, name: str, target: str) -> bool:
    """Point ``destination``'s ref ``name`` at ``target`` by compare-and-set from where it
    points now; ``False`` when it already did."""
    current = await destination.get_ref(name)
    if current == target:
        return False
    await destination.set_ref(name, target, expected=current)
    return True
