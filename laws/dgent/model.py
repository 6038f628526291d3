"""The simplest possible agent memory, written for clarity alone: what every store must answer.

Plain dicts and a sort per query; no cursors, no vectors. :mod:`laws.dgent` compares real
stores to it, so it deliberately shares no code with any interpreter beyond ``Datum``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from dualtrack.errors import (
    ConflictError,
    ImmutableDatumError,
    MissingParentError,
    UnknownDatum,
)
from dualtrack.memory import Datum


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class DgentModel:
    """One namespace of agent memory as plain dicts (synchronous)."""

    def __init__(self) -> None:
        self.datums: dict[str, Datum] = {}
        self.refs: dict[str, str] = {}

    def put_many(self, batch: list[Datum]) -> list[Datum]:
        """Store the batch or raise the error a store must raise, storing nothing."""
        staged = dict(self.datums)
        for datum in batch:
            held = staged.get(datum.id)
            if held is not None:
                if held != datum:
                    raise ImmutableDatumError(datum.id)
                continue
            if datum.causal_parent is not None and datum.causal_parent not in staged:
                raise MissingParentError(datum.id)
            staged[datum.id] = datum
        self.datums = staged
        return [staged[datum.id] for datum in batch]

    def ordered(self) -> list[Datum]:
        """Every datum by ``(created_at, id)``."""
        return sorted(self.datums.values(), key=lambda d: (d.created_at, d.id))

    def matching(
        self,
        *,
        prefix: str | None = None,
        after: float | None = None,
        before: float | None = None,
        metadata: Mapping[str, Any] | None = None,
        order: str = "asc",
    ) -> list[Datum]:
        """Everything ``list`` with these filters must return over all its pages."""
        wanted = {name: _json(value) for name, value in (metadata or {}).items()}
        found = [
            d
            for d in self.ordered()
            if (not prefix or d.id[: len(prefix)] == prefix)
            and (after is None or d.created_at > after)
            and (before is None or d.created_at < before)
            and all(
                name in d.metadata and _json(d.metadata[name]) == value
                for name, value in wanted.items()
            )
        ]
        return found[::-1] if order == "desc" else found

    def causal_chain(self, datum_id: str) -> list[Datum]:
        """Root first, ending at ``datum_id``; ``[]`` when unknown."""
        chain: list[Datum] = []
        current = self.datums.get(datum_id)
        while current is not None:
            chain.insert(0, current)
            parent = current.causal_parent
            current = None if parent is None else self.datums[parent]
        return chain

    def children(self, datum_id: str) -> list[Datum]:
        """Datums whose parent is ``datum_id``, by ``(created_at, id)``."""
        return [d for d in self.ordered() if d.causal_parent == datum_id]

    def set_ref(self, name: str, datum_id: str, expected: str | None) -> None:
        """Compare-and-set, raising what a store must raise."""
        if datum_id not in self.datums:
            raise UnknownDatum(datum_id)
        if self.refs.get(name) != expected:
            raise ConflictError(name)
        self.refs[name] = datum_id

    def advance(self, datum: Datum, name: str, expected: str | None) -> Datum:
        """``put`` then ``set_ref`` as one step: a moved ref refuses first, then ``put``'s
        refusals; a refusal changes nothing."""
        if self.refs.get(name) != expected:
            raise ConflictError(name)
        stored = self.put_many([datum])[0]
        self.refs[name] = stored.id
        return stored

    def searchable(self, metadata: Mapping[str, Any] | None = None) -> list[Datum]:
        """Datums ``search`` may return: UTF-8 content, matching the metadata filter."""
        found = []
        for datum in self.matching(metadata=metadata):
            try:
                datum.content.decode("utf-8")
            except UnicodeDecodeError:
                continue
            found.append(datum)
        return found
