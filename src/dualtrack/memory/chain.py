"""``Chain``: what ``causal_chain`` returns, a list of datums that says where it was cut.

A chain runs root first and ends at the datum asked about. When an ancestor is hidden
(forgotten or expired) or was removed by compaction, the chain stops just after it, and
:attr:`Chain.truncated` names the missing ancestor: a chain is never silently shorter, and
never raises because a parent is gone.
"""

from __future__ import annotations

from collections.abc import Iterable

from dualtrack.memory.datum import Datum


class Chain(list[Datum]):
    """A causal chain, root first; ``truncated`` is the id of the ancestor that is no longer
    shown (``None`` when the chain reaches a true root).

    It is a ``list``, so it compares equal to the plain list of the same datums.

    >>> root = Datum(id="a", content=b"", created_at=1.0)
    >>> child = root.derive(b"x", created_at=2.0)
    >>> Chain([root, child]).truncated is None
    True
    >>> Chain([child]).truncated
    'a'
    >>> Chain([child]) == [child]
    True
    """

    def __init__(self, datums: Iterable[Datum] = ()) -> None:
        super().__init__(datums)

    @property
    def truncated(self) -> str | None:
        """The id of the missing ancestor the chain stops at, or ``None`` at a true root."""
        return self[0].causal_parent if self else None

    def __repr__(self) -> str:
        cut = "" if self.truncated is None else f", truncated={self.truncated!r}"
        return f"Chain({list.__repr__(self)}{cut})"
