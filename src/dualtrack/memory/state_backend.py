"""``DgentStateBackend``: a ``StateBackend`` keeping every saved state as a datum in agent memory.

Each save appends a datum holding the state as JSON, whose causal parent is the previous
state, and moves a ref to it by compare-and-set: the ref's datum id is the version, and the
causal chain behind it is the full history.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Generic, TypeVar

from dualtrack.errors import ConflictError, InvalidArgument
from dualtrack.memory.checks import check_name
from dualtrack.memory.datum import Datum
from dualtrack.memory.protocol import DgentProtocol
from dualtrack.state.backend import Version

S = TypeVar("S")

#: Refs of state backends are named ``state/<name>``, apart from a store's other refs.
REF_PREFIX = "state/"


def _encode(state: Any) -> bytes:
    """The JSON bytes of ``state``, refusing states JSON would not give back equal."""
    try:
        text = json.dumps(state, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as error:
        raise InvalidArgument(f"a DgentStateBackend state must be JSON: {error}") from None
    if json.loads(text) != state:
        raise InvalidArgument(
            f"state {state!r:.80} does not survive JSON unchanged (tuples, non-str keys?): "
            "use lists and str-keyed dicts"
        )
    return text.encode()


class DgentStateBackend(Generic[S]):
    """State as a chain of datums behind the ref ``state/<name>`` of ``store``.

    >>> import asyncio
    >>> from dualtrack.memory.memory_store import MemoryDgent
    >>> async def demo():
    ...     backend = DgentStateBackend(MemoryDgent(), "counter", initial={"n": 0})
    ...     state, version = await backend.load()
    ...     version = await backend.save({"n": 1}, version)
    ...     await backend.save({"n": 2}, version)
    ...     return await backend.history()
    >>> asyncio.run(demo())
    [{'n': 2}, {'n': 1}]
    """

    def __init__(self, store: DgentProtocol, name: str, *, initial: S) -> None:
        self._store = store
        self._ref = REF_PREFIX + check_name(name, "state name")
        self._name = name
        _encode(initial)
        self._initial = copy.deepcopy(initial)

    def __repr__(self) -> str:
        return f"DgentStateBackend({self._store!r}, {self._name!r})"

    async def load(self) -> tuple[S, Version]:
        """The current state and its version (the id of its datum; ``None`` before any save)."""
        head = await self._store.get_ref(self._ref)
        if head is None:
            return copy.deepcopy(self._initial), None
        return await self._state_of(head), head

    async def _content_of(self, datum_id: str | None) -> bytes:
        if datum_id is None:
            return _encode(self._initial)
        datum = await self._store.get(datum_id)
        if datum is None:
            raise ConflictError(f"state datum {datum_id!r} of {self!r} is missing")
        return datum.content

    async def _state_of(self, datum_id: str) -> S:
        state: S = json.loads(await self._content_of(datum_id))
        return state

    async def save(self, state: S, expected_version: Version) -> Version:
        """Append ``state`` after ``expected_version`` and move the ref there, or raise
        :class:`ConflictError` (storing no new version) when another save came first.
        Saving a state whose JSON is the stored one's writes nothing and keeps the version."""
        content = _encode(state)
        head = await self._store.get_ref(self._ref)
        if head != expected_version:
            raise ConflictError(
                f"state {self._name!r} moved since it was loaded (now {head!r}, loaded "
                f"{expected_version!r}): load it again and redo the change"
            )
        if content == await self._content_of(head):
            return head
        assert head is None or isinstance(head, str)
        datum = Datum.create(content, causal_parent=head, metadata={"state": self._name})
        await self._store.put(datum)
        await self._store.set_ref(self._ref, datum.id, expected=head)
        return datum.id

    async def history(self) -> list[S]:
        """Every saved state, newest first (the initial state is not stored)."""
        head = await self._store.get_ref(self._ref)
        if head is None:
            return []
        chain = await self._store.causal_chain(head)
        return [json.loads(datum.content) for datum in reversed(chain)]
