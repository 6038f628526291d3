"""The simplest agent memory that forgets, written for clarity alone: what every
``Retention`` store must answer.

Plain dicts, a sort per query and an explicit instant ``now`` on every call. It shares no code
with any interpreter beyond ``Datum`` and the public ``expires_at`` reader.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dualtrack.errors import (
    ConflictError,
    ForgottenDatumError,
    ImmutableDatumError,
    MissingParentError,
    UnknownDatum,
)
from dualtrack.memory import Datum
from dualtrack.memory.retention import CompactionPolicy, DatumState, expires_at
from laws.dgent.model import DgentModel


@dataclass(frozen=True)
class ModelReceipt:
    """What the model says a compaction removes."""

    removed: tuple[str, ...]
    forgotten: int
    expired: int
    unreachable: int
    refs: tuple[str, ...]


class RetentionModel:
    """One namespace of agent memory with tombstones, expiry and compaction (synchronous)."""

    def __init__(self) -> None:
        self.datums: dict[str, Datum] = {}
        self.refs: dict[str, str] = {}
        self.forgotten: set[str] = set()
        self.expiry: dict[str, float] = {}
        self.erased: set[str] = set()
        self.lifetime: float | None = None

    # what is shown

    def shown(self, datum: Datum, now: float) -> bool:
        """Forgotten, expired and out-of-lifetime datums are hidden."""
        if datum.id in self.forgotten:
            return False
        if datum.id in self.expiry and self.expiry[datum.id] <= now:
            return False
        return self.lifetime is None or datum.created_at > now - self.lifetime

    def visible(self, now: float, include_hidden: bool = False) -> dict[str, Datum]:
        """The datums read paths show at ``now`` (all stored ones with ``include_hidden``)."""
        return {i: d for i, d in self.datums.items() if include_hidden or self.shown(d, now)}

    def plain(self, now: float, include_hidden: bool = False) -> DgentModel:
        """The shown datums and live refs as a plain agent-memory model, for every read that
        does not depend on what is hidden."""
        model = DgentModel()
        model.datums = self.visible(now, include_hidden)
        model.refs = {name: target for name, target in self.refs.items() if target in model.datums}
        return model

    # writes

    def put_many(self, batch: list[Datum], now: float) -> list[Datum]:
        """Store the batch or raise what a store must raise, storing nothing."""
        for datum in batch:
            expires_at(datum)
        for datum in batch:
            held = self.datums.get(datum.id)
            hidden = held is not None and not self.shown(held, now)
            if hidden or datum.id in self.forgotten or datum.id in self.erased:
                raise ForgottenDatumError(datum.id)
        staged = self.visible(now)
        heard = set(self.datums) | self.forgotten | self.erased
        fresh: list[Datum] = []
        for datum in batch:
            known = staged.get(datum.id)
            if known is not None:
                if known != datum:
                    raise ImmutableDatumError(datum.id)
                continue
            parent = datum.causal_parent
            if parent is not None and parent not in staged and parent not in heard:
                raise MissingParentError(datum.id)
            staged[datum.id] = datum
            fresh.append(datum)
        for datum in fresh:
            self.datums[datum.id] = datum
            expiry = expires_at(datum)
            if expiry is not None:
                self.expiry[datum.id] = expiry
        return [staged[datum.id] for datum in batch]

    def set_ref(self, name: str, target: str, expected: str | None, now: float) -> None:
        """Compare-and-set against what reads show."""
        held = self.datums.get(target)
        if held is None or not self.shown(held, now):
            raise UnknownDatum(target)
        if self.get_ref(name, now) != expected:
            raise ConflictError(name)
        self.refs[name] = target

    def forget(
        self,
        now: float,
        ids: Iterable[str] | None = None,
        prefix: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        ref: str | None = None,
    ) -> list[str]:
        """Forget the selected stored datums; the ids newly forgotten, by (created_at, id)."""
        if ids is not None:
            chosen = [self.datums[i] for i in dict.fromkeys(ids) if i in self.datums]
            self.forgotten.update(i for i in ids if i not in self.datums and i not in self.erased)
        elif ref is not None:
            chosen = []
            current = self.datums.get(self.refs.get(ref, ""))
            while current is not None:
                chosen.append(current)
                current = self.datums.get(current.causal_parent or "")
        else:
            matching = DgentModel()
            matching.datums = dict(self.datums)
            chosen = matching.matching(prefix=prefix, metadata=metadata)
        fresh = [d for d in chosen if d.id not in self.forgotten]
        self.forgotten.update(d.id for d in fresh)
        return [d.id for d in sorted(fresh, key=lambda d: (d.created_at, d.id))]

    def compact(self, policy: CompactionPolicy, now: float, dry_run: bool) -> ModelReceipt:
        """Remove hidden datums and what ``policy`` prunes, with the refs naming them."""
        hidden = {i for i, d in self.datums.items() if not self.shown(d, now)}
        gone = {i for i in hidden if i in self.forgotten}
        pruned: set[str] = set()
        if policy.unreachable:
            kept: set[str] = set()
            for target in self.refs.values():
                chain = self.causal_chain(target, now)
                if policy.history is not None:
                    chain = chain[-(policy.history + 1) :]
                kept.update(d.id for d in chain)
            pruned = {i for i, d in self.datums.items() if self.shown(d, now)} - kept
        removed = hidden | pruned
        refs = tuple(sorted(n for n, t in self.refs.items() if t in removed))
        if not dry_run:
            for name in refs:
                del self.refs[name]
            for datum_id in removed:
                del self.datums[datum_id]
                self.expiry.pop(datum_id, None)
                self.erased.add(datum_id)
            unheld = {i for i in self.forgotten if i not in self.datums}
            self.forgotten -= unheld
            self.erased |= unheld
        return ModelReceipt(
            removed=tuple(sorted(removed)),
            forgotten=len(gone),
            expired=len(hidden - gone),
            unreachable=len(pruned),
            refs=refs,
        )

    # reads

    def get_ref(self, name: str, now: float, include_hidden: bool = False) -> str | None:
        """The ref's target if it is shown (whatever it is, with ``include_hidden``)."""
        target = self.refs.get(name)
        if target is None or include_hidden:
            return target
        return target if target in self.visible(now) else None

    def causal_chain(self, datum_id: str, now: float, include_hidden: bool = False) -> list[Datum]:
        """Root first, ending at ``datum_id``, stopping after the first ancestor not shown."""
        shown = self.visible(now, include_hidden)
        chain: list[Datum] = []
        current = shown.get(datum_id)
        while current is not None:
            chain.insert(0, current)
            current = shown.get(current.causal_parent or "")
        return chain

    def truncations(self, now: float) -> list[str]:
        """Parents of shown datums that are not shown, sorted."""
        shown = self.visible(now)
        return sorted({d.causal_parent for d in shown.values() if d.causal_parent} - set(shown))

    def state_of(self, datum_id: str, now: float) -> DatumState:
        """live, forgotten, expired, erased or unknown."""
        held = self.datums.get(datum_id)
        if held is None:
            if datum_id in self.forgotten:
                return "forgotten"
            return "erased" if datum_id in self.erased else "unknown"
        if datum_id in self.forgotten:
            return "forgotten"
        return "live" if self.shown(held, now) else "expired"
