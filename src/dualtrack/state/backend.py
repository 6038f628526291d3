"""The versioned state backend protocol that ``StateFunctor`` loads from and saves to."""

from __future__ import annotations

from typing import Protocol, TypeAlias, TypeVar

S = TypeVar("S")

#: An opaque token naming the stored state a ``load`` saw; ``save`` compares it.
Version: TypeAlias = int | str | None


class StateBackend(Protocol[S]):
    """Versioned storage for one state value.

    ``load`` returns the state and its version. ``save(state, expected_version)`` stores the
    state only if the stored version is still ``expected_version`` and returns the new version;
    otherwise it raises :class:`~dualtrack.errors.ConflictError` and stores nothing.
    """

    async def load(self) -> tuple[S, Version]:
        """The current state and its version."""
        ...

    async def save(self, state: S, expected_version: Version) -> Version:
        """Store ``state`` if nobody saved since ``expected_version`` was loaded."""
        ...
