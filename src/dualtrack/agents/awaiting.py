"""Telling awaitable results from plain ones fast, for stages built from sync callables.

A sync callable may return an awaitable (a lambda calling an async function); such a result is
awaited. Checking every result with ``hasattr`` costs more than the stage itself, so the types
found to be plain are remembered and later checked by one set lookup.
"""

from __future__ import annotations

#: Types known to have no ``__await__``; grows as new plain result types are seen.
PLAIN: set[type] = {int, float, complex, str, bytes, bool, type(None), tuple, list, dict, set}
_LIMIT = 4096


def awaitable_type(cls: type) -> bool:
    """Whether values of type ``cls`` are awaitable; a plain type is remembered in ``PLAIN``.

    >>> import asyncio
    >>> awaitable_type(int), awaitable_type(asyncio.Future)
    (False, True)
    """
    if hasattr(cls, "__await__"):
        return True
    if len(PLAIN) < _LIMIT:
        PLAIN.add(cls)
    return False
