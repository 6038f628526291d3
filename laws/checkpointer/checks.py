"""The history laws of ``DualtrackSaver``: what LangGraph reads back is the store's causal chain.

For every drawn :class:`~laws.checkpointer.scripts.Script`, played through a real compiled
``StateGraph`` persisted with a ``DualtrackSaver`` over a fresh store, on every thread (one
branch each: scripts never resume from an older checkpoint, where the history would list
every branch and the chain only the head's):

* **id order**: ``get_state_history`` (``list()``) gives checkpoints newest id first;
* **history is the chain**: it lists exactly the checkpoints of the causal chain ending at the
  thread's head ref, newest first;
* **history is linked**: each state's ``parent_config`` names the next older state;
* **windows**: ``list(before=c, limit=2)`` gives the two checkpoints the history has after ``c``;
* **agreement**: the states (values, next nodes, step) equal those the same script leaves in
  LangGraph's own ``InMemorySaver``.
"""

from __future__ import annotations

from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from langgraph.checkpoint.memory import InMemorySaver

from dualtrack.integrations.langgraph import DualtrackSaver, keys
from dualtrack.memory import DgentProtocol
from laws.checkpointer.scripts import Script, build, config, play, scripts
from laws.core import holds
from laws.dgent.support import StoreFactory, on_fresh_store

__all__ = ["check_saver_history"]


def _id(found: Any) -> str:
    return str(found["configurable"]["checkpoint_id"]) if found else ""


def _states(history: list[Any]) -> list[tuple[Any, ...]]:
    return [(s.values, s.next, s.metadata.get("step")) for s in history]


async def _history(graph: Any, thread: str) -> list[Any]:
    return [state async for state in graph.aget_state_history(config(thread))]


async def _reference(script: Script) -> dict[str, list[tuple[Any, ...]]]:
    graph = build(script, InMemorySaver())
    await play(script, graph)
    return {thread: _states(await _history(graph, thread)) for thread in script.threads()}


async def _laws(store: DgentProtocol, script: Script) -> None:
    saver = DualtrackSaver(store)
    graph = build(script, saver)
    await play(script, graph)
    expected = await _reference(script)
    for thread in script.threads():
        history = await _history(graph, thread)
        ids = [_id(state.config) for state in history]
        holds("history is newest checkpoint id first", script, ids, sorted(ids, reverse=True))
        head = await store.get_ref(keys.head_ref(thread, ""))
        chain = [] if head is None else await store.causal_chain(head)
        chained = [str(datum.metadata["lg.checkpoint"]) for datum in reversed(chain)]
        holds("history is the head's causal chain, newest first", script, ids, chained)
        parents = [_id(state.parent_config) for state in history]
        holds("each state's parent is the next older state", script, parents, [*ids[1:], ""])
        middle = len(ids) // 2
        before: Any = {"configurable": {"thread_id": thread, "checkpoint_id": ids[middle]}}
        window = saver.alist(config(thread), before=before, limit=2)
        listed = [_id(found.config) async for found in window]
        holds(
            "list(before=, limit=2) is a window of the history",
            script,
            listed,
            ids[middle + 1 : middle + 3],
        )
        holds("states agree with InMemorySaver", script, _states(history), expected[thread])


def check_saver_history(
    factory: StoreFactory,
    scripts_: st.SearchStrategy[Script] | None = None,
    settings: settings | None = None,
) -> None:
    """Check the history laws (module docstring) of ``DualtrackSaver`` over the stores
    ``factory`` makes, raising :class:`~dualtrack.errors.LawViolation` for the smallest
    failing script."""
    drawn = scripts() if scripts_ is None else scripts_
    on_fresh_store(factory, {"script": drawn}, _laws, settings)
