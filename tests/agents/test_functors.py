"""Functors on agents: Maybe, Result, List and Focus, on the cases their laws do not spell out."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest
from returns.maybe import Nothing, Some
from returns.result import Failure, Success

from dualtrack import (
    Agent,
    Focus,
    Functor,
    Id,
    InvalidInput,
    ListFunctor,
    MaybeFunctor,
    ResultFunctor,
    UnsupportedOperation,
    agent,
    attr,
    each,
    filtered,
    getter,
    index,
    item,
    key,
    prism,
    setter,
)


def inc(n: int) -> int:
    return n + 1


async def slow_double(n: int) -> int:
    await asyncio.sleep(0)
    return n * 2


def test_every_functor_satisfies_the_protocol() -> None:
    for functor in (MaybeFunctor, ResultFunctor, ListFunctor, Focus(key("a"))):
        assert isinstance(functor, Functor)


async def test_maybe_runs_on_some_and_passes_nothing_through() -> None:
    lifted = MaybeFunctor.lift(agent(inc) >> agent(slow_double))
    assert await lifted.invoke(Some(1)) == Some(4)
    assert await lifted.invoke(Nothing) is Nothing
    assert await MaybeFunctor.lift(agent(lambda _: None)).invoke(Some(1)) == Some(None)


async def test_result_runs_on_success_and_passes_the_same_failure_through() -> None:
    failure: Failure[ValueError] = Failure(ValueError("bad"))
    lifted = ResultFunctor.lift(agent(slow_double))
    assert await lifted.invoke(Success(21)) == Success(42)
    assert await lifted.invoke(failure) is failure


async def test_an_exception_from_the_inner_agent_propagates_unchanged() -> None:
    boom = RuntimeError("boom")

    def fail(_: int) -> int:
        raise boom

    for lifted, value in (
        (MaybeFunctor.lift(agent(fail)), Some(1)),
        (ResultFunctor.lift(agent(fail)), Success(1)),
        (ListFunctor.lift(agent(fail)), [1]),
        (Focus(key("n")).lift(agent(fail)), {"n": 1}),
    ):
        with pytest.raises(RuntimeError) as caught:
            await lifted.invoke(value)  # type: ignore[arg-type]
        assert caught.value is boom


async def test_lifted_agents_refuse_bare_values_instead_of_passing_them_through() -> None:
    with pytest.raises(InvalidInput, match=r"Maybe\(inc\).*takes a Maybe.*got int"):
        await MaybeFunctor.lift(agent(inc)).invoke(3)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="takes a Result"):
        await ResultFunctor.lift(agent(inc)).invoke(3)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="takes a list, got tuple"):
        await ListFunctor.lift(agent(inc)).invoke((1, 2))  # type: ignore[arg-type]


def test_functors_refuse_what_is_not_an_agent() -> None:
    with pytest.raises(InvalidInput, match=r"Maybe lifts agents.*agent\(fn\)"):
        MaybeFunctor.lift(inc)  # type: ignore[arg-type]


async def test_list_keeps_order_and_runs_elements_concurrently() -> None:
    started: list[int] = []
    release = asyncio.Event()

    async def wait_for_all(n: int) -> int:
        started.append(n)
        if len(started) == 3:
            release.set()
        await release.wait()
        return n * 10

    assert await ListFunctor.lift(agent(wait_for_all)).invoke([3, 1, 2]) == [30, 10, 20]
    assert await ListFunctor.lift(agent(inc)).invoke([]) == []


def test_lifted_agents_have_readable_names() -> None:
    f = agent(inc) >> agent(slow_double)
    assert MaybeFunctor.lift(f).name == "Maybe(inc >> slow_double)"
    assert repr(ResultFunctor.lift(Id)) == "Agent(Result(Id))"
    assert ListFunctor.lift(f).name == "List(inc >> slow_double)"
    assert Focus(key("a") >> each()).lift(f).name == "Focus(key('a') >> each(), inc >> slow_double)"
    assert repr(Focus(key("a"))) == "Focus(key('a'))"


@dataclass(frozen=True)
class Order:
    id: int
    lines: tuple[int, ...]


async def test_focus_through_a_lens_replaces_the_part() -> None:
    lifted = Focus(key("user") >> key("age")).lift(agent(slow_double))
    whole = {"user": {"age": 20, "name": "Ada"}, "n": 1}
    assert await lifted.invoke(whole) == {"user": {"age": 40, "name": "Ada"}, "n": 1}
    assert whole == {"user": {"age": 20, "name": "Ada"}, "n": 1}
    assert await Focus(attr("id")).lift(agent(inc)).invoke(Order(1, ())) == Order(2, ())
    assert await Focus(index(-1)).lift(agent(inc)).invoke([1, 2]) == [1, 3]


async def test_focus_through_an_affine_leaves_the_whole_when_nothing_is_focused() -> None:
    lifted = Focus(item("age")).lift(agent(inc))
    assert await lifted.invoke({"age": 1}) == {"age": 2}
    missing = {"name": "Ada"}
    assert await lifted.invoke(missing) is missing


async def test_focus_through_a_prism() -> None:
    def as_int(value: object) -> object:
        return Some(value) if isinstance(value, int) else Nothing

    ints = prism(as_int, lambda n: n, name="ints")
    assert await Focus(ints).lift(agent(inc)).invoke(1) == 2
    assert await Focus(ints).lift(agent(inc)).invoke("one") == "one"


async def test_focus_through_a_traversal_runs_every_focus_and_puts_results_back_in_order() -> None:
    seen: list[int] = []

    async def record(n: int) -> int:
        seen.append(n)
        await asyncio.sleep(0.001 * (5 - n))
        return n * 100

    lifted = Focus(attr("lines") >> each() >> filtered(lambda n: n % 2 == 1)).lift(agent(record))
    result = await lifted.invoke(Order(7, (1, 2, 3, 4, 5)))
    assert result == Order(7, (100, 2, 300, 4, 500))
    assert sorted(seen) == [1, 3, 5]
    empty = Order(8, ())
    assert await lifted.invoke(empty) is empty


def test_focus_refuses_optics_that_cannot_both_read_and_write() -> None:
    with pytest.raises(UnsupportedOperation, match="a Getter cannot put the agent's result back"):
        Focus(getter(len))  # type: ignore[arg-type]
    with pytest.raises(UnsupportedOperation, match="a Setter cannot"):
        Focus(setter(lambda s, f: s))  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="Focus\\(\\) takes an optic"):
        Focus("a")  # type: ignore[arg-type]


async def test_lifted_agents_compose_with_other_agents() -> None:
    parse = agent(lambda text: {"n": int(text)}, name="parse")
    show = agent(lambda d: str(d["n"]), name="show")
    chain: Agent[str, str] = parse >> Focus(key("n")).lift(agent(inc)) >> show
    assert await chain.invoke("41") == "42"
