"""The saver's history laws can fail: each planted broken saver is caught, and the message
names the law that caught it."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytest.importorskip("langgraph.graph")

from hypothesis import Phase, settings
from langgraph.checkpoint.base import CheckpointTuple

from dualtrack import LawViolation, MemoryDgent
from dualtrack.integrations.langgraph import DualtrackSaver
from dualtrack.memory.protocol import DgentProtocol
from laws.checkpointer import check_saver_history

#: Enough examples to find each planted bug; no shrinking, which only makes the report nicer.
SEARCHING = settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
)


async def _fresh(namespace: str) -> DgentProtocol:
    return MemoryDgent(namespace)


async def _oldest_first(self: DualtrackSaver, *args: Any) -> list[CheckpointTuple]:
    return list(reversed(await ORIGINAL_LIST(self, *args)))


async def _unbounded(
    self: DualtrackSaver, config: Any, filter: Any, before: Any, limit: Any
) -> list[CheckpointTuple]:
    return await ORIGINAL_LIST(self, config, filter, None, limit)


async def _forgets_writes(self: DualtrackSaver, config: Any) -> CheckpointTuple | None:
    found = await ORIGINAL_GET(self, config)
    return None if found is None else found._replace(pending_writes=[])


async def _no_parents(self: DualtrackSaver, *args: Any) -> Any:
    saved = await ORIGINAL_PUT(self, *args)
    store: Any = self.store
    for datum in list(store._data().datums.values()):
        if datum.causal_parent is not None:
            store._data().datums[datum.id] = datum.__class__(
                datum.id, datum.content, datum.created_at, None, datum.metadata
            )
    return saved


ORIGINAL_LIST = DualtrackSaver._alist
ORIGINAL_GET = DualtrackSaver._aget_tuple
ORIGINAL_PUT = DualtrackSaver._aput


@pytest.mark.parametrize(
    ("method", "planted", "law"),
    [
        ("_alist", _oldest_first, "history is newest checkpoint id first"),
        ("_alist", _unbounded, "list(before=, limit=2) is a window of the history"),
        ("_aget_tuple", _forgets_writes, "states agree with InMemorySaver"),
        ("_aput", _no_parents, "history is the head's causal chain"),
    ],
)
def test_a_broken_saver_is_caught(
    monkeypatch: pytest.MonkeyPatch, method: str, planted: Any, law: str
) -> None:
    monkeypatch.setattr(DualtrackSaver, method, planted)
    with pytest.raises(LawViolation, match=re.escape(law)):
        check_saver_history(_fresh, settings=SEARCHING)
