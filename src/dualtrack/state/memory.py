"""``MemoryStateBackend``: one state value in process memory, versioned by an integer."""

from __future__ import annotations

import copy
import threading
from typing import Generic, TypeVar

from dualtrack.errors import ConflictError
from dualtrack.exact import same_value
from dualtrack.state.backend import Version

S = TypeVar("S")


def _unchanged(new: object, stored: object) -> bool:
    """Whether saving ``new`` over ``stored`` changes nothing: equal type for type all the way
    down (``{"a": True}`` over ``{"a": 1}`` is a change)."""
    try:
        return same_value(new, stored)
    except Exception:  # a type whose == is not a plain yes or no: treat it as changed
        return False


class MemoryStateBackend(Generic[S]):
    """Holds a private deep copy of the state: mutating what ``load`` returned, or what was
    passed to ``save``, never changes what is stored. Saving an equal state writes nothing.

    >>> import asyncio
    >>> backend = MemoryStateBackend(initial={"count": 0})
    >>> state, version = asyncio.run(backend.load())
    >>> state["count"] = 99
    >>> asyncio.run(backend.load())
    ({'count': 0}, 0)
    >>> asyncio.run(backend.save({"count": 1}, version))
    1
    """

    def __init__(self, initial: S) -> None:
        self._state = copy.deepcopy(initial)
        self._version = 0
        self._lock = threading.Lock()

    async def load(self) -> tuple[S, int]:
        """A copy of the current state and its version (0 until the first change)."""
        with self._lock:
            state, version = self._state, self._version
        return copy.deepcopy(state), version

    async def save(self, state: S, expected_version: Version) -> int:
        """Store a copy of ``state`` if the version is still ``expected_version``.

        Raises :class:`ConflictError`, storing nothing, when another save came first.
        """
        snapshot = copy.deepcopy(state)
        with self._lock:
            if expected_version != self._version:
                raise ConflictError(
                    f"the state changed since it was loaded (now version {self._version}, "
                    f"loaded version {expected_version!r}): load it again and redo the change"
                )
            if not _unchanged(snapshot, self._state):
                self._state = snapshot
                self._version += 1
            return self._version

    def __repr__(self) -> str:
        return f"MemoryStateBackend(version={self._version}, state={self._state!r:.60})"
