"""Advancing a ref: store a datum and point a ref at it in one atomic step (a branch head).

Appending to a chain and moving its head are one change: a crash or a lost race between
``put`` and ``set_ref`` would leave a datum no head names, or cost a second commit. Stores that
can do both in one transaction implement :class:`Advancing`; :func:`advance` uses it, or falls
back to the two calls on a store that cannot (then not atomic under concurrent writers).
"""

from __future__ import annotations

from typing import Protocol, TypeGuard, runtime_checkable

from dualtrack.memory.checks import check_datum, check_expected, check_name, refuse_swap
from dualtrack.memory.datum import Datum
from dualtrack.memory.protocol import DgentProtocol


@runtime_checkable
class Advancing(Protocol):
    """A store that can put a datum and move a ref to it in one atomic step."""

    async def advance(self, datum: Datum, ref: str, *, expected: str | None = None) -> Datum:
        """``put(datum)`` and point ``ref`` at it if ``ref`` still names ``expected``: both or
        neither. A moved ref raises ``ConflictError`` before the datum is looked at; then
        ``put``'s refusals apply, and a refused advance changes nothing."""
        ...


async def advance(
    store: DgentProtocol, datum: Datum, ref: str, *, expected: str | None = None
) -> Datum:
    """Store ``datum`` and point ``ref`` at it if ``ref`` names ``expected`` (compare-and-set),
    atomically on an :class:`Advancing` store; the stored datum.

    >>> import asyncio
    >>> from dualtrack import MemoryDgent
    >>> store = MemoryDgent()
    >>> first = asyncio.run(advance(store, Datum.create(b"one"), "head"))
    >>> second = asyncio.run(advance(store, first.derive(b"two"), "head", expected=first.id))
    >>> asyncio.run(store.get_ref("head")) == second.id
    True
    """
    if _advancing(store):
        return await store.advance(datum, ref, expected=expected)
    await check_head(store, datum, ref, expected)
    stored = await store.put(datum)
    await store.set_ref(ref, stored.id, expected=expected)
    return stored


_ADVANCING: dict[type, bool] = {}


def _advancing(store: object) -> TypeGuard[Advancing]:
    """Whether ``store`` is :class:`Advancing`, judged once per class: a runtime protocol
    check inspects every member and costs more than an in-memory advance."""
    kind = type(store)
    known = _ADVANCING.get(kind)
    if known is None:
        known = _ADVANCING[kind] = isinstance(store, Advancing)
    return known


async def check_head(store: DgentProtocol, datum: Datum, ref: str, expected: str | None) -> None:
    """What an advance checks before it writes: valid arguments, then ``ref`` still naming
    ``expected`` (else ``ConflictError``)."""
    check_datum(datum)
    check_name(ref)
    check_expected(expected)
    current = await store.get_ref(ref)
    if current != expected:
        raise refuse_swap(ref, current, expected)
