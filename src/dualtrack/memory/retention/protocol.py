"""``Retention``: the stores that can forget on purpose, beside ``DgentProtocol``.

``MemoryDgent``, ``SQLiteDgent`` and ``SQLDgent`` implement it and pass :mod:`laws.retention`;
``TableAdapter`` does not (its ``forget`` and ``compact`` raise
:class:`~dualtrack.errors.RetentionUnsupported` saying why).
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any, Protocol, runtime_checkable

from dualtrack.errors import RetentionUnsupported
from dualtrack.memory.chain import Chain
from dualtrack.memory.cursor import Page
from dualtrack.memory.datum import Datum
from dualtrack.memory.protocol import DgentProtocol, SearchHit
from dualtrack.memory.query import Order
from dualtrack.memory.retention.policy import CompactionPolicy, CompactionReceipt, DatumState


@runtime_checkable
class Retention(DgentProtocol, Protocol):
    """A store that forgets on purpose: hiding is an append, compaction removes bytes.

    Rules every implementation keeps (checked by :mod:`laws.retention`):

    * ``forget`` appends tombstones; a hidden datum (forgotten, or expired: its
      ``dualtrack.expires_at`` or the namespace lifetime has passed) is absent from every
      read path at once: ``get``, ``exists``, ``count``, ``list``, ``scan``, ``search``,
      ``causal_chain``, ``children``, refs (a ref naming it reads as unset) and focus views.
      ``include_hidden=True`` shows hidden datums that compaction has not removed.
    * a survivor whose ancestor is hidden or removed ends its ``causal_chain`` just after it,
      with :attr:`Chain.truncated` naming it: never an error, never a silent cut.
    * ``compact`` changes no read (of live datums, through live refs) except what its policy
      prunes as unreachable; twice is once; a dry run changes nothing and names exactly what
      compaction removes; removed content leaves the store's files.
    * a forgotten id is never stored again: ``put`` raises ``ForgottenDatumError`` for an id
      that is hidden, forgotten or erased, before and after compaction alike. A parent is
      missing (``MissingParentError``) only when the namespace never heard of it: a child of
      a hidden, forgotten or erased datum may be put, and its chain is cut there.
    """

    async def forget(
        self,
        ids: Iterable[str] | None = None,
        *,
        prefix: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        ref: str | None = None,
    ) -> builtins.list[str]:
        """Hide the selected datums (by ids; by prefix and/or metadata filter; or a ref's
        whole history) from every read path; return the stored ids newly forgotten, in
        ``(created_at, id)`` order. An id given that the store does not hold is forgotten
        too, so it can never be stored (it is not listed); ids forgotten before are skipped."""
        ...

    async def truncations(self) -> builtins.list[str]:
        """The ids at which shown chains stop (parents of shown datums that are not shown),
        sorted: what a copy must forget in its destination for the survivors to fit."""
        ...

    async def set_lifetime(self, seconds: float | None) -> None:
        """Hide every datum of the namespace once ``created_at <= now - seconds`` (``None``:
        no lifetime). It applies to datums stored already; a longer lifetime shows again what
        a shorter one hid and compaction has not removed."""
        ...

    async def lifetime(self) -> float | None:
        """The namespace lifetime in seconds, or ``None``."""
        ...

    async def state_of(self, datum_id: str) -> DatumState:
        """Where ``datum_id`` stands: live, forgotten, expired, erased or unknown."""
        ...

    async def compact(
        self, policy: CompactionPolicy | None = None, *, dry_run: bool = False
    ) -> CompactionReceipt:
        """Remove hidden datums (and what ``policy`` prunes) with their metadata rows, vectors
        and refs, keep the digest of each removed id, and give space back."""
        ...

    async def get(self, datum_id: str, *, include_hidden: bool = False) -> Datum | None:
        """The datum with this id, or ``None`` (hidden ones with ``include_hidden``)."""
        ...

    async def exists(self, datum_id: str, *, include_hidden: bool = False) -> bool:
        """Whether the store shows a datum with this id."""
        ...

    async def count(self, *, include_hidden: bool = False) -> int:
        """How many datums the store shows."""
        ...

    async def list(
        self,
        *,
        prefix: str | None = None,
        after: float | None = None,
        before: float | None = None,
        metadata: Mapping[str, Any] | None = None,
        order: Order = "asc",
        limit: int | None = 100,
        cursor: str | None = None,
        include_hidden: bool = False,
    ) -> Page:
        """One page of the datums shown, matching every filter."""
        ...

    def scan(self, *, batch_size: int = 1000, include_hidden: bool = False) -> AsyncIterator[Datum]:
        """Every datum shown, in ``(created_at, id)`` order."""
        ...

    async def causal_chain(self, datum_id: str, *, include_hidden: bool = False) -> Chain:
        """The shown ancestors of ``datum_id``, root first, cut at a missing one."""
        ...

    async def children(
        self, datum_id: str, *, include_hidden: bool = False
    ) -> builtins.list[Datum]:
        """The shown datums whose causal parent is ``datum_id``."""
        ...

    async def search(
        self,
        text: str,
        *,
        limit: int = 10,
        metadata: Mapping[str, Any] | None = None,
        include_hidden: bool = False,
    ) -> builtins.list[SearchHit]:
        """The shown datums most similar to ``text``, best first."""
        ...

    async def get_ref(self, name: str, *, include_hidden: bool = False) -> str | None:
        """The datum the ref names, or ``None`` when unset or naming a hidden datum; with
        ``include_hidden``, whatever the ref holds (compaction drops refs to what it
        removes, so it always names a stored datum)."""
        ...


def retention_of(store: object) -> Retention:
    """``store`` as a :class:`Retention`, or :class:`RetentionUnsupported` with the store's
    own reason (its ``retention_refusal``) for why it cannot forget.

    >>> from dualtrack.memory.memory_store import MemoryDgent
    >>> retention_of(MemoryDgent()) is not None
    True
    >>> retention_of(object())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dualtrack.errors.RetentionUnsupported: object cannot forget or compact: it does not ...
    """
    if isinstance(store, Retention):
        return store
    reason = getattr(store, "retention_refusal", None)
    if not isinstance(reason, str):
        reason = "it does not implement Retention (MemoryDgent, SQLiteDgent and SQLDgent do)"
    raise RetentionUnsupported(f"{type(store).__name__} cannot forget or compact: {reason}")
