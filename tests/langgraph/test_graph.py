"""A real StateGraph (plain nodes) persisted in dualtrack: interrupt, resume, history;
sync and async."""

from __future__ import annotations

import asyncio
import operator
from pathlib import Path
from typing import Annotated, Any, TypedDict

import pytest

pytest.importorskip("langgraph.graph")

from langgraph.graph import END, START, StateGraph

from dualtrack.errors import LoopUnavailable
from dualtrack.integrations.langgraph import DualtrackSaver, keys


class State(TypedDict):
    steps: Annotated[list[str], operator.add]


def _graph(saver: DualtrackSaver) -> Any:
    builder = StateGraph(State)
    builder.add_node("plan", lambda state: {"steps": ["plan"]})
    builder.add_node("act", lambda state: {"steps": ["act"]})
    builder.add_edge(START, "plan")
    builder.add_edge("plan", "act")
    builder.add_edge("act", END)
    return builder.compile(checkpointer=saver, interrupt_before=["act"])


CONFIG: Any = {"configurable": {"thread_id": "t1"}}


async def _history_is_the_causal_chain(saver: DualtrackSaver, graph: Any) -> None:
    history = [
        s.config["configurable"]["checkpoint_id"] async for s in graph.aget_state_history(CONFIG)
    ]
    head = await saver.store.get_ref(keys.head_ref("t1", ""))
    assert head is not None
    chain = await saver.store.causal_chain(head)
    assert [d.metadata["lg.checkpoint"] for d in reversed(list(chain))] == history


def _run_sync(saver: DualtrackSaver) -> None:
    graph = _graph(saver)
    assert graph.invoke({"steps": []}, CONFIG) == {"steps": ["plan"]}
    assert graph.get_state(CONFIG).next == ("act",)
    assert graph.invoke(None, CONFIG) == {"steps": ["plan", "act"]}
    assert graph.get_state(CONFIG).next == ()
    saver._home.block(_history_is_the_causal_chain(saver, graph))


def test_sync_outside_a_loop(tmp_path: Path) -> None:
    saver = DualtrackSaver.connect(f"sqlite:///{tmp_path / 'g.db'}")
    try:
        _run_sync(saver)
    finally:
        saver.close()


def test_sync_inside_a_running_loop(tmp_path: Path) -> None:
    async def main() -> None:
        saver = DualtrackSaver.connect(f"sqlite+aiosqlite:///{tmp_path / 'g.db'}")
        try:
            _run_sync(saver)
        finally:
            await saver.aclose()

    asyncio.run(main())


def test_async_on_the_stores_loop(tmp_path: Path) -> None:
    async def main() -> None:
        saver = await DualtrackSaver.from_url(f"sqlite+aiosqlite:///{tmp_path / 'g.db'}")
        graph = _graph(saver)
        assert await graph.ainvoke({"steps": []}, CONFIG) == {"steps": ["plan"]}
        assert await graph.ainvoke(None, CONFIG) == {"steps": ["plan", "act"]}
        await _history_is_the_causal_chain(saver, graph)
        with pytest.raises(LoopUnavailable):
            saver.get_tuple(CONFIG)
        await saver.aclose()

    asyncio.run(main())


def test_async_against_a_private_loop(tmp_path: Path) -> None:
    saver = DualtrackSaver.connect(f"sqlite+aiosqlite:///{tmp_path / 'g.db'}")

    async def main() -> None:
        graph = _graph(saver)
        await graph.ainvoke({"steps": []}, CONFIG)
        assert await graph.ainvoke(None, CONFIG) == {"steps": ["plan", "act"]}
        await saver.aclose()

    asyncio.run(main())
