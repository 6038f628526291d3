"""What a saver refuses, it refuses typed and at once: a state that would not load again is
refused when stored (the thread keeps working), a saver whose loop has stopped says so instead
of hanging, and a saver that failed to open leaves no loop thread behind."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import enum
import operator
import threading
import uuid
import zoneinfo
from typing import Annotated, Any, TypedDict

import pytest

pytest.importorskip("langgraph.graph")

from hypothesis import given
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.serde.types import _DeltaSnapshot
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command, Send

from dualtrack.app.scratch import PostgresScratch
from dualtrack.errors import BackendUnavailable, LoopUnavailable, UnsafeCheckpoint
from dualtrack.integrations.langgraph import DualtrackSaver
from dualtrack.integrations.langgraph.serde import SafeSerializer
from dualtrack.memory import DgentProtocol
from dualtrack.memory.urls import open_dgent


class Priority(enum.Enum):
    HIGH = "high"
    LOW = "low"


@dataclasses.dataclass
class Note:
    text: str


ALLOWED = [(__name__, "Priority"), (__name__, "Note")]

values = st.recursive(
    st.none()
    | st.integers(-(2**63), 2**64 - 1)  # msgpack's ints: LangGraph's encoder refuses wider ones
    | st.text(max_size=8)
    | st.datetimes()
    | st.uuids()
    | st.decimals(allow_nan=False, allow_infinity=False)
    | st.sampled_from(Priority)
    | st.builds(Note, st.text(max_size=8)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=8,
)


@given(values)
def test_what_a_saver_stores_loads_again(value: object) -> None:
    stored_elsewhere = JsonPlusSerializer().dumps_typed(value)
    try:
        data = SafeSerializer().dumps_typed(value)
    except UnsafeCheckpoint:
        with pytest.raises(UnsafeCheckpoint):
            SafeSerializer().loads_typed(stored_elsewhere)
        return
    SafeSerializer().loads_typed(data)


@given(values)
def test_allowed_types_are_stored_and_load_again(value: object) -> None:
    serde = SafeSerializer(allowed=ALLOWED)
    assert serde.loads_typed(serde.dumps_typed(value)) == value


class State(TypedDict, total=False):
    n: int
    tag: Any


class Chat(TypedDict):
    messages: Annotated[list[Any], operator.add]


def _graph(saver: DualtrackSaver) -> Any:
    builder = StateGraph(State)
    builder.add_node("step", lambda state: {"n": state.get("n", 0) + 1})
    builder.add_edge(START, "step")
    builder.add_edge("step", END)
    return builder.compile(checkpointer=saver)


CONFIG: Any = {"configurable": {"thread_id": "t"}}


def test_a_state_that_would_not_load_is_refused_and_the_thread_lives_on() -> None:
    saver = DualtrackSaver.connect("memory://")
    try:
        graph = _graph(saver)
        assert graph.invoke({"n": 1}, CONFIG) == {"n": 2}
        with pytest.raises(UnsafeCheckpoint, match="would not load again"):
            graph.invoke({"tag": Priority.HIGH}, CONFIG)
        assert graph.invoke({"n": 5}, CONFIG)["n"] == 6
    finally:
        saver.close()


def test_safe_types_inside_safe_types_load_again() -> None:
    serde = SafeSerializer()
    nested = [
        AIMessage("hi", response_metadata={"created": datetime.datetime(2024, 1, 1)}),
        HumanMessage("q", additional_kwargs={"id": uuid.UUID(int=7)}),
        datetime.time(1, 2, tzinfo=zoneinfo.ZoneInfo("UTC")),
        Command(goto=Send("step", {"n": 1})),
    ]
    for value in nested:
        assert serde.loads_typed(serde.dumps_typed(value)) == value


def test_a_snapshot_holding_an_unsafe_type_is_refused() -> None:
    with pytest.raises(UnsafeCheckpoint, match="Note"):
        SafeSerializer().dumps_typed(_DeltaSnapshot([Note("inside")]))


def test_a_message_holding_a_datetime_keeps_its_thread_working() -> None:
    saver = DualtrackSaver.connect("memory://")
    try:
        builder = StateGraph(Chat)
        builder.add_node(
            "reply",
            lambda state: {
                "messages": [
                    AIMessage("hi", response_metadata={"at": datetime.datetime(2024, 1, 1)})
                ]
            },
        )
        builder.add_edge(START, "reply")
        builder.add_edge("reply", END)
        graph = builder.compile(checkpointer=saver)
        graph.invoke({"messages": []}, CONFIG)
        assert len(graph.get_state(CONFIG).values["messages"]) == 1
        assert len(graph.invoke({"messages": []}, CONFIG)["messages"]) == 2
    finally:
        saver.close()


def test_connect_takes_the_serializer_that_allows_a_type() -> None:
    saver = DualtrackSaver.connect("memory://", serde=SafeSerializer(allowed=ALLOWED))
    try:
        graph = _graph(saver)
        graph.invoke({"n": 1, "tag": Priority.HIGH}, CONFIG)
        assert graph.invoke({"n": 5}, CONFIG) == {"n": 6, "tag": Priority.HIGH}
    finally:
        saver.close()


def test_a_saver_whose_loop_has_stopped_says_so() -> None:
    saver = asyncio.run(DualtrackSaver.from_url("memory://"))
    graph = _graph(saver)
    with pytest.raises(LoopUnavailable, match="has stopped"):
        asyncio.run(graph.ainvoke({"n": 1}, CONFIG))


def test_a_connect_that_fails_leaves_no_loop_thread() -> None:
    def loops() -> int:
        return sum(thread.name == "dualtrack-langgraph" for thread in threading.enumerate())

    before = loops()
    for _ in range(3):
        with pytest.raises(BackendUnavailable):
            DualtrackSaver.connect("mongodb://nowhere/memory")
    assert loops() == before


@pytest.mark.postgres
def test_a_saver_over_a_postgres_store_from_an_earlier_run_says_so(
    postgres_databases: PostgresScratch,
) -> None:
    url = postgres_databases()

    async def opened() -> DgentProtocol:
        store = await open_dgent(url, namespace="threads")
        await store.get("x")
        return store

    saver = DualtrackSaver(asyncio.run(opened()))
    with pytest.raises(LoopUnavailable, match="opened on another event loop"):
        saver.get_tuple(CONFIG)
