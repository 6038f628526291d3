"""Lens views: read and write the datum a ref points at through an optic over its content.

A write never changes a datum: it appends a child datum with the new content and moves the
ref to it by compare-and-set, retrying from the new head when another writer moved it first,
so concurrent writers through views lose nothing (``modify`` re-applies its function).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from returns.maybe import Maybe

from dualtrack.errors import ConflictError, InvalidArgument, UnknownDatum
from dualtrack.memory.checks import check_name
from dualtrack.memory.datum import Datum
from dualtrack.memory.protocol import DgentProtocol
from dualtrack.optics import FoldKind, GetterKind, Optic, SetterKind

K = TypeVar("K", covariant=True)
A = TypeVar("A")

#: How many times a view write retries after losing a compare-and-set before giving up.
MAX_ATTEMPTS = 1000


class View(Generic[K, A]):
    """What ``focus(store, ref, optic)`` returns: the ref's current datum seen through ``optic``.

    >>> import asyncio
    >>> from dualtrack import json_codec, key
    >>> from dualtrack.memory.memory_store import MemoryDgent
    >>> async def demo():
    ...     optic = json_codec() >> key("tags")
    ...     tags = focus(MemoryDgent(), "profile", optic, initial=b'{"tags":[]}')
    ...     await tags.modify(lambda old: [*old, "curious"])
    ...     return await tags.get()
    >>> asyncio.run(demo())
    ['curious']
    """

    def __init__(
        self,
        store: DgentProtocol,
        ref: str,
        optic: Optic[K, bytes, A],
        initial: bytes | None = None,
    ) -> None:
        self._store = store
        self._ref = check_name(ref)
        self._optic = optic
        if initial is not None and not isinstance(initial, bytes):
            raise InvalidArgument("initial content of a view must be bytes (encode it first)")
        self._initial = initial

    def __repr__(self) -> str:
        return f"View({self._store!r}, {self._ref!r}, {self._optic!r})"

    async def head(self) -> Datum | None:
        """The datum the ref points at, or ``None`` before the first write."""
        head = await self._store.get_ref(self._ref)
        return None if head is None else await self._store.get(head)

    async def _content(self) -> bytes:
        datum = await self.head()
        if datum is not None:
            return datum.content
        if self._initial is None:
            raise UnknownDatum(
                f"ref {self._ref!r} is not set: set it with store.set_ref, or pass initial= "
                "content to focus() so the first write creates it"
            )
        return self._initial

    async def get(self: View[GetterKind, A]) -> A:
        """The one focus (Lens, Iso, Getter) of the current content."""
        return self._optic.get(await self._content())

    async def preview(self: View[FoldKind, A]) -> Maybe[A]:
        """The first focus of the current content, if any."""
        return self._optic.preview(await self._content())

    async def get_all(self: View[FoldKind, A]) -> list[A]:
        """Every focus of the current content."""
        return self._optic.get_all(await self._content())

    async def set(self: View[SetterKind, A], value: A) -> Datum:
        """Write ``value`` at the focus: append a derived datum and move the ref to it."""
        return await self._write(lambda content: self._optic.set(content, value))

    async def modify(self: View[SetterKind, A], f: Callable[[A], A]) -> Datum:
        """Apply ``f`` at the focus of the latest content (again after a lost race)."""
        return await self._write(lambda content: self._optic.modify(content, f))

    async def _write(self, change: Callable[[bytes], Any]) -> Datum:
        for _ in range(MAX_ATTEMPTS):
            head_id = await self._store.get_ref(self._ref)
            head = None if head_id is None else await self._store.get(head_id)
            if head is None and self._initial is None:
                await self._content()
            before = self._initial if head is None else head.content
            assert before is not None
            after = change(before)
            if not isinstance(after, bytes):
                raise InvalidArgument(
                    f"the optic of {self!r} must give bytes back, got {after!r:.60}"
                )
            if head is not None and after == head.content:
                return head
            new = Datum.create(after) if head is None else head.derive(after)
            await self._store.put(new)
            try:
                await self._store.set_ref(self._ref, new.id, expected=head_id)
            except ConflictError:
                continue
            return new
        raise ConflictError(
            f"{self!r} lost the compare-and-set {MAX_ATTEMPTS} times in a row: too many "
            "writers on one ref"
        )


def focus(
    store: DgentProtocol, ref: str, optic: Optic[K, bytes, A], *, initial: bytes | None = None
) -> View[K, A]:
    """A view of the datum ``ref`` points at through ``optic`` (usually ``json_codec() >> ...``);
    ``initial`` is the content the first write starts from when the ref is not set yet."""
    return View(store, ref, optic, initial)
