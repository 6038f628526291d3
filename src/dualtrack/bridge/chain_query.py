"""``ancestry``: the rows of a causal chain in one recursive query, and their order.

The query follows the parent column upwards from one row with a recursive common table
expression. It unions distinct ``(key, parent)`` pairs, so it ends even on a table whose parent
links form a cycle (other code may write one); :func:`root_first` then orders the rows by
walking the links from the start, stopping where a link repeats or leads out of the table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Column, Select, Table, select


def ancestry(table: Table, key: Column[Any], parent: Column[Any], start: Any) -> Select[Any]:
    """``SELECT`` every row on the parent path from the row keyed ``start``, in any order."""
    chain = (
        select(key.label("node"), parent.label("up"))
        .where(key == start)
        .cte("dualtrack_chain", recursive=True)
    )
    step = select(key, parent).join(chain, key == chain.c.up)
    chain = chain.union(step)
    return select(table).join(chain, key == chain.c.node)


def root_first(
    rows: Sequence[Mapping[Any, Any]], key: Column[Any], parent: Column[Any], start: Any
) -> list[Mapping[Any, Any]]:
    """The rows from the root down to the row keyed ``start`` (``[]`` if it is absent)."""
    by_key = {row[key]: row for row in rows}
    walk: list[Mapping[Any, Any]] = []
    seen: set[Any] = set()
    current = by_key.get(start)
    while current is not None and current[key] not in seen:
        seen.add(current[key])
        walk.append(current)
        up = current[parent]
        current = None if up is None else by_key.get(up)
    walk.reverse()
    return walk
