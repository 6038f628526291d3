"""The laws of ref and namespace listing and of the causal scan can fail: each planted broken
store is caught, and the message names the law that caught it."""

from __future__ import annotations

import builtins
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from hypothesis import Phase, settings

from dualtrack import Datum, DgentProtocol, LawViolation, MemoryDgent
from dualtrack.memory import MemorySpace
from laws import dgent

SEARCHING = settings(
    max_examples=150,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
)


class TimeOrderCausalScan(MemoryDgent):
    """scan_causal is the time-ordered scan: a child older than its parent comes first."""

    async def scan_causal(self, *, batch_size: int = 1000) -> AsyncIterator[Datum]:
        async for datum in self.scan(batch_size=batch_size):
            yield datum


class DropsWaitingDatums(MemoryDgent):
    """scan_causal leaves out every datum whose parent had not come yet."""

    async def scan_causal(self, *, batch_size: int = 1000) -> AsyncIterator[Datum]:
        seen: set[str] = set()
        async for datum in self.scan(batch_size=batch_size):
            if datum.causal_parent is None or datum.causal_parent in seen:
                seen.add(datum.id)
                yield datum


class ReleasesOneGeneration(MemoryDgent):
    """scan_causal releases a parent's waiting children but forgets their own waiting ones."""

    async def scan_causal(self, *, batch_size: int = 1000) -> AsyncIterator[Datum]:
        seen: set[str] = set()
        waiting: dict[str, list[Datum]] = {}
        async for datum in self.scan(batch_size=batch_size):
            parent = datum.causal_parent
            if parent is not None and parent not in seen:
                waiting.setdefault(parent, []).append(datum)
                continue
            seen.add(datum.id)
            yield datum
            for child in waiting.pop(datum.id, []):
                seen.add(child.id)
                yield child


class RefsInInsertionOrder(MemoryDgent):
    """list_refs gives refs in the order they were first set."""

    async def list_refs(
        self, *, after: str | None = None, limit: int | None = None
    ) -> builtins.list[tuple[str, str]]:
        refs = list(self._data().refs.items())
        if after is not None:
            refs = [item for item in refs if item[0] > after]
        return refs[:limit]


class InclusiveAfter(MemoryDgent):
    """list_refs(after=name) includes the ref called name, so pages repeat it."""

    async def list_refs(
        self, *, after: str | None = None, limit: int | None = None
    ) -> builtins.list[tuple[str, str]]:
        refs = sorted(self._data().refs.items())
        if after is not None:
            refs = [item for item in refs if item[0] >= after]
        return refs[:limit]


class ForgetsRefs(MemoryDgent):
    """list_refs gives nothing."""

    async def list_refs(
        self, *, after: str | None = None, limit: int | None = None
    ) -> builtins.list[tuple[str, str]]:
        return []


class CausalScanLosesTheLast(MemoryDgent):
    """scan_causal stops one datum short."""

    async def scan_causal(self, *, batch_size: int = 1000) -> AsyncIterator[Datum]:
        order = [datum async for datum in super().scan_causal(batch_size=batch_size)]
        for datum in order[:-1]:
            yield datum


class ListsItselfAlways(MemoryDgent):
    """namespaces names the store's own namespace even while it holds nothing."""

    async def namespaces(self) -> builtins.list[str]:
        return sorted({*await super().namespaces(), self.namespace})


class ListsOnlyItself(MemoryDgent):
    """namespaces names the store's own namespace only."""

    async def namespaces(self) -> builtins.list[str]:
        return [self.namespace] if await self.count() else []


def factory(kind: type[MemoryDgent]) -> dgent.StoreFactory:
    space = MemorySpace()

    async def fresh(namespace: str) -> DgentProtocol:
        return kind(namespace, space=space)

    return fresh


Check = Callable[[dgent.StoreFactory], None]


def _with(check: Callable[..., None], **options: Any) -> Check:
    return lambda made: check(made, settings=SEARCHING, **options)


@pytest.mark.parametrize(
    ("broken", "check", "law"),
    [
        (
            TimeOrderCausalScan,
            _with(dgent.check_causal_scan),
            "scan_causal yields each datum after its causal parent",
        ),
        (
            DropsWaitingDatums,
            _with(dgent.check_causal_scan),
            "scan_causal yields every datum exactly once",
        ),
        (
            ReleasesOneGeneration,
            _with(dgent.check_causal_scan),
            "scan_causal yields every datum exactly once",
        ),
        (RefsInInsertionOrder, _with(dgent.check_ref_listing), "list_refs gives every ref in"),
        (InclusiveAfter, _with(dgent.check_ref_listing), "list_refs pages by after and limit"),
        (
            ListsItselfAlways,
            _with(dgent.check_namespace_listing),
            "a namespace holding nothing is not listed",
        ),
        (
            ListsOnlyItself,
            _with(dgent.check_namespace_listing),
            "another namespace's store lists it too",
        ),
        (CausalScanLosesTheLast, _with(dgent.check_against_model), "scan_causal (every datum"),
        (ForgetsRefs, _with(dgent.check_against_model), "list_refs agrees"),
    ],
)
def test_each_inventory_law_catches_its_broken_store(
    broken: type[MemoryDgent], check: Check, law: str
) -> None:
    with pytest.raises(LawViolation, match=re.escape(law)) as caught:
        check(factory(broken))
    assert "input:" in str(caught.value)
    assert "left:" in str(caught.value)
    assert "right:" in str(caught.value)
