"""The ``created_at`` of a checkpoint, read from its uuid6 id:
store order then agrees with LangGraph's."""

from __future__ import annotations

import time
import uuid

_GREGORIAN_TO_UNIX = 12219292800


def instant_of(checkpoint_id: str) -> float:
    """Unix seconds encoded in a uuid6 id; now for any other id."""
    try:
        value = uuid.UUID(checkpoint_id)
    except ValueError:
        return time.time()
    if value.version != 6:
        return time.time()
    bits = value.int
    ticks = ((bits >> 96) << 28) | (((bits >> 80) & 0xFFFF) << 12) | ((bits >> 64) & 0x0FFF)
    return ticks / 1e7 - _GREGORIAN_TO_UNIX
