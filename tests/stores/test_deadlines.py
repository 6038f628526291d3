"""The deadlines of SQLDgent's operations: one timer per event loop cancels exactly the
operations that outlive their own timeout, in any order of starting, and nothing else."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dualtrack.errors import OperationTimedOut
from dualtrack.memory.sql.timeouts import deadlines, timed

#: Timeouts far apart from the work's length, so a loaded machine cannot blur the verdict: a
#: quick operation sleeps 1 ms, a slow one would sleep 30 s.
TIMEOUTS = st.sampled_from([None, 0.15, 0.25, 0.4, 30.0])
QUICK, SLOW = 0.001, 30.0

operations = st.lists(st.tuples(TIMEOUTS, st.booleans(), st.integers(0, 3)), max_size=8)


async def _bounded(limit: float | None, seconds: float, delay: int) -> str:
    for _ in range(delay):  # start at different moments: later ones may be due earlier
        await asyncio.sleep(0)
    with timed(limit, "reading", writes=False, on="the store"):
        await asyncio.sleep(seconds)
    return "done"


def _times_out(timeout: float | None, slow: bool) -> bool:
    """Whether the operation sleeps past its timeout (unbounded and 30 s ones stay quick)."""
    return slow and timeout not in (None, 30.0)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations)
def test_exactly_the_operations_past_their_deadline_time_out(
    plan: list[tuple[float | None, bool, int]],
) -> None:
    async def run() -> list[str | BaseException]:
        work = [
            _bounded(timeout, SLOW if _times_out(timeout, slow) else QUICK, delay)
            for timeout, slow, delay in plan
        ]
        outcomes = await asyncio.gather(*work, return_exceptions=True)
        assert not deadlines(asyncio.get_running_loop())._running  # nothing left watched
        return outcomes

    outcomes = asyncio.run(asyncio.wait_for(run(), 2))
    for (timeout, slow, _), outcome in zip(plan, outcomes, strict=True):
        if _times_out(timeout, slow):
            assert isinstance(outcome, OperationTimedOut)
            assert f"reading on 'the store' took longer than its timeout of {timeout} s" in str(
                outcome
            )
        else:
            assert outcome == "done"


def test_a_cancellation_from_outside_stays_a_cancellation() -> None:
    async def run() -> None:
        task = asyncio.ensure_future(_bounded(0.2, SLOW, 0))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert not deadlines(asyncio.get_running_loop())._running
        assert await _bounded(0.2, QUICK, 0) == "done"  # the watch still works afterwards
        with pytest.raises(OperationTimedOut):
            await _bounded(0.05, SLOW, 0)

    asyncio.run(run())


def test_a_timeout_error_from_inside_becomes_typed_and_names_the_write() -> None:
    async def run() -> None:
        with timed(None, "putting", writes=True):
            raise TimeoutError("the driver gave up")

    with pytest.raises(OperationTimedOut, match="either committed whole") as caught:
        asyncio.run(run())
    assert isinstance(caught.value.__cause__, TimeoutError)


def test_an_inner_deadline_fires_inside_a_longer_outer_one() -> None:
    async def run() -> str:
        with timed(5.0, "outer", writes=False):
            with (
                pytest.raises(OperationTimedOut, match="inner"),
                timed(0.05, "inner", writes=False),
            ):
                await asyncio.sleep(SLOW)
            return "outer went on"

    assert asyncio.run(run()) == "outer went on"
