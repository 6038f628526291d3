"""Linear LangGraph graphs of plain nodes, and the runs played on them: what the saver laws draw.

A :class:`Script` names a chain of nodes (each adds to a running total, logs its name, and may
pause: statically, before it runs, or dynamically, by calling ``interrupt``) and the runs played
on one or two threads: new input, or a resume (with a value when a node is waiting for one).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Annotated, Any, TypedDict

from hypothesis import strategies as st
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command, interrupt


class Channels(TypedDict, total=False):
    """The state of every drawn graph: a log that accumulates, a total and the last node."""

    log: Annotated[list[str], operator.add]
    total: int
    last: str


@dataclass(frozen=True)
class Run:
    """One call on a thread: ``value`` as new input, or (``resume``) the value a waiting
    node is given (a plain resume when none waits)."""

    thread: int
    value: int
    resume: bool


@dataclass(frozen=True)
class Script:
    """A chain of ``nodes`` nodes; ``paused`` pause before they run, ``asking`` interrupt
    from inside; ``runs`` are played in order."""

    nodes: int
    paused: frozenset[int]
    asking: frozenset[int]
    runs: tuple[Run, ...]

    def threads(self) -> list[str]:
        """The thread ids the runs touch, in first-use order."""
        return list(dict.fromkeys(f"thread-{run.thread}" for run in self.runs))


@dataclass(frozen=True)
class Step:
    """Node ``place`` of a chain: doubles the total and adds its place (and, when it
    ``asks``, the value it is resumed with), logging its name."""

    place: int
    asks: bool

    def __call__(self, state: Channels) -> Channels:
        extra = int(interrupt(f"n{self.place} asks")) if self.asks else 0
        return {
            "log": [f"n{self.place}"],
            "total": state.get("total", 0) * 2 + self.place + extra,
            "last": f"n{self.place}",
        }


def build(script: Script, saver: BaseCheckpointSaver[Any]) -> Any:
    """The compiled graph ``script`` names, persisted with ``saver``."""
    builder: StateGraph[Channels, Any, Channels, Channels] = StateGraph(Channels)
    names = [f"n{place}" for place in range(script.nodes)]
    for place, name in enumerate(names):
        builder.add_node(name, Step(place, place in script.asking))
    for source, target in zip([START, *names], [*names, END], strict=True):
        builder.add_edge(source, target)
    return builder.compile(
        checkpointer=saver, interrupt_before=[names[place] for place in sorted(script.paused)]
    )


def config(thread: str) -> Any:
    """The run configuration of ``thread``."""
    return {"configurable": {"thread_id": thread}}


async def play(script: Script, graph: Any) -> None:
    """Play every run of ``script`` on ``graph`` (async API)."""
    for run in script.runs:
        chosen = config(f"thread-{run.thread}")
        if not run.resume:
            await graph.ainvoke({"log": [f"in{run.value}"], "total": run.value}, chosen)
        elif (await graph.aget_state(chosen)).interrupts:
            await graph.ainvoke(Command(resume=run.value), chosen)
        else:
            await graph.ainvoke(None, chosen)


@st.composite
def scripts(draw: st.DrawFn, max_nodes: int = 4, threads: int = 2) -> Script:
    """Scripts of 1 to ``max_nodes`` nodes and up to six runs on up to ``threads`` threads
    (a resume drawn for a thread no input started yet becomes its input)."""
    nodes = draw(st.integers(1, max_nodes))
    places = st.frozensets(st.integers(0, nodes - 1))
    runs = draw(
        st.lists(
            st.builds(
                Run,
                thread=st.integers(0, threads - 1),
                value=st.integers(-9, 9),
                resume=st.booleans(),
            ),
            min_size=1,
            max_size=6,
        )
    )
    started: set[int] = set()
    playable: list[Run] = []
    for run in runs:
        if run.resume and run.thread not in started:
            run = Run(run.thread, run.value, False)
        started.add(run.thread)
        playable.append(run)
    return Script(nodes, draw(places), draw(places), tuple(playable))
