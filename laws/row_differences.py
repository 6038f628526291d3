"""The smallest place where two sets of table rows differ: one row and the columns that
differ, not every row of every table, so a failed migration law reads at a glance."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

Rows = Mapping[str, Sequence[Mapping[str, Any]]]


def _key(row: Mapping[str, Any]) -> str:
    return repr(sorted(row.items()))


def _only_in(rows: Sequence[Mapping[str, Any]], other: Sequence[Mapping[str, Any]]) -> list[Any]:
    extra = Counter(_key(row) for row in rows) - Counter(_key(row) for row in other)
    return sorted((row for row in rows if extra.pop(_key(row), 0)), key=_key)


def _shared(one: Mapping[str, Any], other: Mapping[str, Any]) -> int:
    return sum(1 for name, value in one.items() if name in other and other[name] == value)


def smallest_difference(left: Rows, right: Rows) -> tuple[dict[str, Any], dict[str, Any]]:
    """In the first table (by name) whose rows differ, the smallest row only ``left`` holds
    (else only ``right``), beside the row of the other side most like it, each narrowed to
    the columns where they differ; ``({}, {})`` when the rows are the same.

    >>> smallest_difference({"t": [{"id": 1, "x": "a"}, {"id": 2, "x": "b"}]},
    ...                     {"t": [{"id": 1, "x": "a"}, {"id": 2, "x": "B"}]})
    ({'table': 't', 'row': {'id': 2, 'x': 'b'}, 'differs in': {'x': 'b'}}, \
{'table': 't', 'row': {'id': 2, 'x': 'B'}, 'differs in': {'x': 'B'}})
    """
    for table in sorted(left.keys() | right.keys()):
        mine, theirs = list(left.get(table, ())), list(right.get(table, ()))
        only_mine, only_theirs = _only_in(mine, theirs), _only_in(theirs, mine)
        if not only_mine and not only_theirs:
            continue
        if not only_mine:
            other, one = smallest_difference({table: theirs}, {table: mine})
            return one, other
        row = only_mine[0]
        if not only_theirs:
            return (
                {"table": table, "row": dict(row), "rows": len(mine)},
                {"table": table, "row": "no such row", "rows": len(theirs)},
            )
        match = max(only_theirs, key=lambda candidate: _shared(row, candidate))
        columns = sorted(
            name for name in row.keys() | match.keys() if row.get(name) != match.get(name)
        )
        return (
            {"table": table, "row": dict(row), "differs in": {c: row.get(c) for c in columns}},
            {"table": table, "row": dict(match), "differs in": {c: match.get(c) for c in columns}},
        )
    return {}, {}
