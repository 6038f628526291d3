"""Agents and StateFunctor against the same work written by hand, measured in one run.

Run: ``.venv/bin/python benchmarks/agents.py``. Prints ns per invoke (best of several rounds,
the two sides of each comparison timed alternately) and the ratio to the hand-written baseline.
Targets: a pipeline of 10 agents within 1.5x of ten coroutines awaited by hand; a memory-backed
StateFunctor invoke within 2x of a hand-written load, compute, save on the same backend.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from dualtrack import MemoryStateBackend, StateFunctor, agent, pipeline

ROUNDS = 9
BATCH = 20_000


async def s0(n: int) -> int:
    return n + 1


async def s1(n: int) -> int:
    return n + 2


async def s2(n: int) -> int:
    return n - 1


async def s3(n: int) -> int:
    return n + 3


async def s4(n: int) -> int:
    return n - 2


async def s5(n: int) -> int:
    return n + 1


async def s6(n: int) -> int:
    return n - 3


async def s7(n: int) -> int:
    return n + 2


async def s8(n: int) -> int:
    return n - 1


async def s9(n: int) -> int:
    return n + 1


STAGES = (s0, s1, s2, s3, s4, s5, s6, s7, s8, s9)


async def ten_by_hand(n: int) -> int:
    n = await s0(n)
    n = await s1(n)
    n = await s2(n)
    n = await s3(n)
    n = await s4(n)
    n = await s5(n)
    n = await s6(n)
    n = await s7(n)
    n = await s8(n)
    return await s9(n)


def plus_one(n: int) -> int:
    return n + 1


def ten_sync_calls(n: int) -> int:
    for _ in range(10):
        n = plus_one(n)
    return n


def counter(msg: str, state: dict[str, int]) -> tuple[str, dict[str, int]]:
    count = state["count"] + 1
    return msg, {"count": count}


async def per_op_ns(invoke: Callable[[Any], Awaitable[Any]], argument: Any) -> float:
    """Nanoseconds per awaited call, over one batch."""
    start = time.perf_counter_ns()
    for _ in range(BATCH):
        await invoke(argument)
    return (time.perf_counter_ns() - start) / BATCH


async def compare(
    label: str, ours: Callable[[Any], Awaitable[Any]], baseline: Callable[[Any], Awaitable[Any]]
) -> float:
    """Time both sides alternately; print the best of each and their ratio."""
    assert await ours(1) == await baseline(1)
    best_ours = best_base = float("inf")
    for _ in range(ROUNDS):
        best_base = min(best_base, await per_op_ns(baseline, 1))
        best_ours = min(best_ours, await per_op_ns(ours, 1))
    ratio = best_ours / best_base
    print(f"{label:<58} {best_ours:9.0f} ns  vs {best_base:9.0f} ns   {ratio:5.2f}x")
    return ratio


async def main() -> None:
    print(f"{'comparison (ours vs hand-written)':<58} {'ours':>12}  {'baseline':>12}   ratio")
    chain = pipeline(*(agent(stage) for stage in STAGES))
    pipeline_ratio = await compare(
        "pipeline of 10 async agents vs 10 awaits", chain.invoke, ten_by_hand
    )

    sync_chain = pipeline(*(agent(plus_one) for _ in range(10)))

    async def sync_by_hand(n: int) -> int:
        return ten_sync_calls(n)

    await compare(
        "pipeline of 10 sync agents vs 10 calls in a coroutine", sync_chain.invoke, sync_by_hand
    )

    backend = MemoryStateBackend(initial={"count": 0})
    counting = StateFunctor.lift_logic(counter, backend=backend)

    async def load_compute_save(msg: str) -> str:
        state, version = await backend.load()
        output, new_state = counter(msg, state)
        await backend.save(new_state, version)
        return output

    state_ratio = await compare(
        "StateFunctor invoke vs load/compute/save (memory)", counting.invoke, load_compute_save
    )
    print()
    for name, ratio, target in (
        ("pipeline", pipeline_ratio, 1.5),
        ("StateFunctor", state_ratio, 2.0),
    ):
        verdict = "met" if ratio <= target else "MISSED"
        print(f"target {name}: {ratio:.2f}x <= {target}x {verdict}")


if __name__ == "__main__":
    asyncio.run(main())
