"""Each retention law fails on a store planted with the bug it exists to catch."""

from __future__ import annotations

import asyncio
import builtins
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import Phase, settings

from dualtrack.errors import LawViolation, MissingParentError
from dualtrack.memory import Datum
from dualtrack.memory.chain import Chain
from dualtrack.memory.checks import plan_batch
from dualtrack.memory.memory_store import MemoryDgent, MemorySpace
from dualtrack.memory.protocol import SearchHit
from dualtrack.memory.retention import CompactionPolicy, CompactionReceipt, Retention
from dualtrack.memory.retention.ledger import Ledger
from dualtrack.memory.retention.planning import plan_compaction
from dualtrack.memory.retention.policy import check_policy
from laws.retention import (
    check_compaction,
    check_concurrent_compaction,
    check_erasure,
    check_expiry,
    check_forgetting,
    check_retention_against_model,
    memory_residue,
)

#: Planted bugs only need finding, not shrinking.
FINDING = [Phase.explicit, Phase.reuse, Phase.generate]
QUICK = settings(max_examples=150, deadline=None, report_multiple_bugs=False, phases=FINDING)
STATEFUL = settings(
    max_examples=100,
    stateful_step_count=30,
    deadline=None,
    report_multiple_bugs=False,
    phases=FINDING,
)


def factory(kind: type[MemoryDgent]) -> Callable[[str, Callable[[], float]], Any]:
    space = MemorySpace()

    async def fresh(namespace: str, clock: Callable[[], float]) -> Retention:
        return kind(namespace, space=space, clock=clock)

    return fresh


class SearchShowsForgotten(MemoryDgent):
    """Search forgets to skip hidden datums."""

    async def search(self, text: str, **options: Any) -> builtins.list[SearchHit]:
        return await super().search(text, **{**options, "include_hidden": True})


class CountsForgotten(MemoryDgent):
    """count() counts hidden datums."""

    async def count(self, *, include_hidden: bool = False) -> int:
        return await super().count(include_hidden=True)


class ReputsForgotten(MemoryDgent):
    """Putting a forgotten datum again returns it, as if the put were idempotent."""

    def _plan(self, batch: builtins.list[Datum]) -> builtins.list[Datum]:
        data = self._data()
        held = {d.id: data.datums[d.id] for d in batch if d.id in data.datums}
        parents = {d.causal_parent for d in batch if d.causal_parent in data.datums}
        return plan_batch(batch, held, parents)


class LateLedger(Ledger):
    def shown(self, datum: Datum, now: float) -> bool:
        stone = self.tombstones.get(datum.id)
        if stone is not None and stone.hides_at < now:
            return False
        return self.lifetime is None or datum.created_at > now - self.lifetime


class ExpiresLate(MemoryDgent):
    """A datum stays shown at the very instant it expires."""

    def _data(self) -> Any:
        data = super()._data()
        if type(data.ledger) is Ledger:
            late = LateLedger()
            late.tombstones, late.erased, late.lifetime = (
                data.ledger.tombstones,
                data.ledger.erased,
                data.ledger.lifetime,
            )
            data.ledger = late
        return data


class ChainRaises(MemoryDgent):
    """causal_chain raises when an ancestor is hidden or gone (the old behaviour)."""

    async def causal_chain(self, datum_id: str, *, include_hidden: bool = False) -> Chain:
        chain = await super().causal_chain(datum_id, include_hidden=include_hidden)
        if chain.truncated is not None:
            raise MissingParentError(chain.truncated)
        return chain


class ChainSkipsGaps(MemoryDgent):
    """causal_chain steps over a hidden ancestor to the ones above it: silently shorter."""

    async def causal_chain(self, datum_id: str, *, include_hidden: bool = False) -> Chain:
        data = self._data()
        chain: builtins.list[Datum] = []
        current = await self.get(datum_id, include_hidden=include_hidden)
        while current is not None:
            chain.append(current)
            parent = data.datums.get(current.causal_parent or "")
            while parent is not None and not include_hidden and not await self.exists(parent.id):
                parent = data.datums.get(parent.causal_parent or "")
            current = parent
        return Chain(reversed(chain))


class KeepsVectors(MemoryDgent):
    """Compaction removes datums but leaves their vectors behind."""

    async def compact(
        self, policy: CompactionPolicy | None = None, *, dry_run: bool = False
    ) -> CompactionReceipt:
        vectors = dict(self._data().vectors)
        receipt = await super().compact(policy, dry_run=dry_run)
        self._data().vectors.update(vectors)
        return receipt

    async def search(self, text: str, **options: Any) -> builtins.list[SearchHit]:
        data = self._data()
        kept = {i: v for i, v in data.vectors.items() if i in data.datums}
        stray, data.vectors = data.vectors, kept
        try:
            return await super().search(text, **options)
        finally:
            stray.update(data.vectors)  # what this search indexed
            data.vectors = stray


class DryRunCompacts(MemoryDgent):
    """A dry run removes what it reports."""

    async def compact(
        self, policy: CompactionPolicy | None = None, *, dry_run: bool = False
    ) -> CompactionReceipt:
        receipt = await super().compact(policy)
        return CompactionReceipt(**{**_fields(receipt), "dry_run": dry_run})


def _fields(receipt: CompactionReceipt) -> dict[str, Any]:
    return {name: getattr(receipt, name) for name in receipt.__slots__}  # type: ignore[attr-defined]


class CascadingCompaction(MemoryDgent):
    """Compaction also removes datums whose parent is already gone: each run cuts deeper."""

    async def compact(
        self, policy: CompactionPolicy | None = None, *, dry_run: bool = False
    ) -> CompactionReceipt:
        data = self._data()
        orphans = {
            d.id
            for d in data.datums.values()
            if d.causal_parent is not None and d.causal_parent not in data.datums
        }
        for datum_id in orphans:
            data.ledger.forget(datum_id, self._clock())
        return await super().compact(policy, dry_run=dry_run)


class ForgetsErasedIds(MemoryDgent):
    """Compaction keeps no digest, so a removed id may be stored again."""

    async def compact(
        self, policy: CompactionPolicy | None = None, *, dry_run: bool = False
    ) -> CompactionReceipt:
        receipt = await super().compact(policy, dry_run=dry_run)
        self._data().ledger.erased.clear()
        return receipt


class RefsDangle(MemoryDgent):
    """Compaction leaves refs naming removed datums."""

    async def compact(
        self, policy: CompactionPolicy | None = None, *, dry_run: bool = False
    ) -> CompactionReceipt:
        refs = dict(self._data().refs)
        receipt = await super().compact(policy, dry_run=dry_run)
        self._data().refs.update(refs)
        return receipt


class RacyCompaction(MemoryDgent):
    """Compaction copies the namespace, yields, and writes the copy back: writes made
    meanwhile are lost."""

    async def compact(
        self, policy: CompactionPolicy | None = None, *, dry_run: bool = False
    ) -> CompactionReceipt:
        chosen = check_policy(policy, dry_run)
        data = self._data()
        now = self._clock()
        datums, refs = dict(data.datums), dict(data.refs)
        plan = plan_compaction(
            datums, refs, lambda d: data.ledger.shown(d, now), data.ledger.forgotten, chosen
        )
        await asyncio.sleep(0)
        data.datums = {i: d for i, d in datums.items() if i not in plan.removed}
        data.refs = {n: t for n, t in refs.items() if n not in plan.refs}
        data.order = sorted((d.created_at, d.id) for d in data.datums.values())
        data.ids = sorted(data.datums)
        return CompactionReceipt(
            self.namespace, dry_run, tuple(sorted(plan.removed)), 0, 0, 0, plan.refs, 0
        )


def _caught(check: Callable[[], None], law: str) -> None:
    with pytest.raises(LawViolation) as caught:
        check()
    assert law in caught.value.law, caught.value.law


def test_the_memory_store_passes_what_the_planted_ones_fail() -> None:
    check_forgetting(factory(MemoryDgent), settings=QUICK)


def test_forgetting_catches_search_showing_forgotten_datums() -> None:
    _caught(
        lambda: check_forgetting(factory(SearchShowsForgotten), settings=QUICK),
        "absent from every read path",
    )


def test_forgetting_catches_count_counting_forgotten_datums() -> None:
    _caught(
        lambda: check_forgetting(factory(CountsForgotten), settings=QUICK),
        "absent from every read path",
    )


def test_forgetting_catches_a_forgotten_id_stored_again() -> None:
    _caught(
        lambda: check_forgetting(factory(ReputsForgotten), settings=QUICK),
        "never stored again",
    )


def test_expiry_catches_a_datum_shown_at_its_expiry_instant() -> None:
    _caught(lambda: check_expiry(factory(ExpiresLate), settings=QUICK), "")


def test_compaction_catches_a_chain_that_raises() -> None:
    with pytest.raises((LawViolation, MissingParentError)):
        check_compaction(factory(ChainRaises), settings=QUICK)


def test_forgetting_catches_a_chain_that_skips_a_hidden_ancestor() -> None:
    _caught(
        lambda: check_forgetting(factory(ChainSkipsGaps), settings=QUICK),
        "",
    )


def test_erasure_catches_vectors_left_behind() -> None:
    _caught(
        lambda: check_erasure(factory(KeepsVectors), memory_residue, settings=QUICK),
        "no byte of a compacted datum",
    )


def test_compaction_catches_a_dry_run_that_removes() -> None:
    _caught(
        lambda: check_compaction(factory(DryRunCompacts), settings=QUICK),
        "dry run changes nothing",
    )


def test_compaction_catches_a_cascade_that_cuts_deeper_each_run() -> None:
    _caught(lambda: check_compaction(factory(CascadingCompaction), settings=QUICK), "")


def test_compaction_catches_erased_ids_stored_again() -> None:
    _caught(
        lambda: check_compaction(factory(ForgetsErasedIds), settings=QUICK),
        "never stored again",
    )


def test_compaction_catches_dangling_refs() -> None:
    _caught(lambda: check_compaction(factory(RefsDangle), settings=QUICK), "")


def test_concurrency_catches_a_compaction_that_writes_back_a_stale_copy() -> None:
    _caught(
        lambda: check_concurrent_compaction(factory(RacyCompaction), settings=QUICK),
        "compaction",
    )


def test_the_machine_catches_a_datum_shown_at_its_expiry_instant() -> None:
    _caught(lambda: check_retention_against_model(factory(ExpiresLate), settings=STATEFUL), "")


def test_the_machine_catches_search_showing_forgotten_datums() -> None:
    _caught(
        lambda: check_retention_against_model(factory(SearchShowsForgotten), settings=STATEFUL),
        "",
    )


def test_datum_bytes_are_checked() -> None:
    class Undercounts(MemoryDgent):
        async def compact(
            self, policy: CompactionPolicy | None = None, *, dry_run: bool = False
        ) -> CompactionReceipt:
            receipt = await super().compact(policy, dry_run=dry_run)
            return CompactionReceipt(**{**_fields(receipt), "datum_bytes": 0})

    _caught(lambda: check_compaction(factory(Undercounts), settings=QUICK), "datum_bytes")
