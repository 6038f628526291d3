"""The private marker for "no focus here", cheaper than building a ``Maybe`` on every step."""

from __future__ import annotations

from typing import Final, final


@final
class Absent:
    """Type of :data:`ABSENT`; there is exactly one instance."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = Absent()
