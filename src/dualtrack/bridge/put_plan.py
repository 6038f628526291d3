"""``plan_puts``: which rows a batch of datums adds to a table, or why the batch is refused.

Pure: it sees the already-stored rows among the batch's ids and parents, and the codec. Per
datum, in batch order, the first failing rule decides:

1. an id the table (or the batch, earlier) already holds: the same row again is skipped (put is
   idempotent), a different one is an :class:`~dualtrack.errors.ImmutableDatumError`;
2. a ``causal_parent`` neither stored nor earlier in the batch is a
   :class:`~dualtrack.errors.MissingParentError`;
3. content that does not fit the table is an :class:`~dualtrack.errors.InvalidRow`.

"The same row" compares what the datum gives, column by column, in canonical JSON: content in
another spelling of the stored values is the same row, and columns the content leaves out are
whatever the table filled in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dualtrack.bridge.row_codec import RowCodec
from dualtrack.errors import ImmutableDatumError, InvalidRow
from dualtrack.memory.checks import refuse_orphan
from dualtrack.memory.datum import Datum
from dualtrack.memory.metadata import canonical_json


@dataclass(frozen=True)
class NewRow:
    """A datum the batch adds, and its row values by attribute name."""

    datum: Datum
    values: dict[str, Any]


def _differences(codec: RowCodec, datum: Datum, stored: Mapping[str, Any]) -> list[str]:
    """The columns (or ``causal_parent``) where ``datum`` differs from stored JSON values."""
    try:
        given = codec.spelled(codec.given(datum))
    except InvalidRow as error:
        return [f"content, which does not fit the table ({error})"]
    return [
        name
        for name, value in given.items()
        if name not in stored or canonical_json(value) != canonical_json(stored[name])
    ]


def _refuse_change(codec: RowCodec, datum: Datum, differing: list[str]) -> ImmutableDatumError:
    return ImmutableDatumError(
        f"id {datum.id!r} of {codec.table.name} already holds a different row (differs in "
        f"{', '.join(differing)}); a row seen as a datum never changes through the adapter: "
        "store the new version under a new id, e.g. stored.derive(content)"
    )


def _check_same(codec: RowCodec, datum: Datum, stored: Datum, row: Mapping[str, Any]) -> None:
    if stored.content == datum.content and stored.causal_parent == datum.causal_parent:
        return
    if stored.causal_parent != datum.causal_parent:
        raise _refuse_change(codec, datum, ["causal_parent"])
    differing = _differences(codec, datum, row)
    if differing:
        raise _refuse_change(codec, datum, differing)


def plan_puts(codec: RowCodec, batch: Sequence[Datum], stored: Mapping[str, Any]) -> list[NewRow]:
    """The rows to insert for ``batch``, in order; ``stored`` maps ids to stored rows (by
    ``Column``) for every id and parent of the batch the table holds."""
    stored_datums = {datum_id: codec.datum(row) for datum_id, row in stored.items()}
    stored_json = {datum_id: codec.spelled_row(row) for datum_id, row in stored.items()}
    planned: dict[str, NewRow] = {}
    for datum in batch:
        earlier = planned.get(datum.id)
        if datum.id in stored_datums:
            _check_same(codec, datum, stored_datums[datum.id], stored_json[datum.id])
            continue
        if earlier is not None:
            if earlier.datum != datum:
                _check_same(codec, datum, earlier.datum, codec.spelled(earlier.values))
            continue
        parent = datum.causal_parent
        if (
            parent is not None
            and codec.parent_field is not None
            and parent not in stored_datums
            and parent not in planned
        ):
            raise refuse_orphan(datum)
        prefix = f"datum {datum.id!r}: "
        planned[datum.id] = NewRow(datum, codec.complete(codec.given(datum), prefix))
    return list(planned.values())
