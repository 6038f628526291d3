"""The head each thread had when this saver last wrote or read it, so reading the latest
checkpoint need not wait for the head ref before it reads the checkpoint.

A guess only saves time: the saver reads the ref beside the guessed checkpoint, and reads again
when the ref names another. Bounded, least recently used first out.
"""

from __future__ import annotations

from collections import OrderedDict


class Heads:
    """Head ref name to the checkpoint datum id last seen there (at most ``size`` of them).

    >>> heads = Heads(size=2)
    >>> heads.saw("a", "1"); heads.saw("b", "2"); heads.saw("c", "3")
    >>> heads.guess("a") is None, heads.guess("c")
    (True, '3')
    """

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._seen: OrderedDict[str, str] = OrderedDict()

    def guess(self, ref: str) -> str | None:
        """The datum ``ref`` named when last seen, if remembered."""
        found = self._seen.get(ref)
        if found is not None:
            self._seen.move_to_end(ref)
        return found

    def saw(self, ref: str, datum_id: str) -> None:
        """Remember that ``ref`` named ``datum_id``."""
        self._seen[ref] = datum_id
        self._seen.move_to_end(ref)
        if len(self._seen) > self._size:
            self._seen.popitem(last=False)
