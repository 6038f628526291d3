"""SQLDgent's session lending (``memory.sql.connections.Sessions``): never more than the limit
lent at once, first come first served, no slot lost to a borrower cancelled in line, and each
borrower ends served or cancelled, never with another error."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from dualtrack.memory.sql.connections import Sessions


@dataclass
class FakeSession:
    """A session that only knows whether it broke."""

    database_errors: tuple[type[BaseException], ...] = ()
    autocommit: bool = True
    broken: bool = False
    closed: bool = field(default=False, repr=False)

    async def close(self) -> None:
        self.closed = True

    def abandon(self) -> None:
        self.broken = True


#: One borrower: ticks to wait before asking, ticks to hold the session, whether it breaks
#: the session, and the tick (from asking) at which it is cancelled, if ever.
borrowers = st.lists(
    st.tuples(
        st.integers(0, 5),
        st.integers(0, 5),
        st.booleans(),
        st.none() | st.integers(0, 8),
    ),
    max_size=12,
)


async def _ticks(count: int) -> None:
    for _ in range(count):
        await asyncio.sleep(0)


async def _lend(
    plan: list[tuple[int, int, bool, int | None]], limit: int
) -> tuple[int, list[int], list[int], Sessions]:
    opened: list[FakeSession] = []

    async def open_session() -> FakeSession:
        opened.append(FakeSession())
        return opened[-1]

    sessions = Sessions(open_session, limit)
    lent = peak = 0
    asked: list[int] = []
    served: list[int] = []

    async def borrower(number: int, wait: int, hold: int, breaks: bool) -> None:
        nonlocal lent, peak
        await _ticks(wait)
        asked.append(number)
        session = sessions.idle() or await sessions.borrow()
        served.append(number)
        lent += 1
        peak = max(peak, lent)
        try:
            await _ticks(hold)
        finally:
            lent -= 1
            if breaks:
                session.abandon()
            sessions.give_back(session)

    async def cancel_later(task: asyncio.Task[None], wait: int, at: int) -> None:
        await _ticks(wait + at)
        task.cancel()

    tasks = []
    for number, (wait, hold, breaks, cancel_at) in enumerate(plan):
        task = asyncio.ensure_future(borrower(number, wait, hold, breaks))
        tasks.append(task)
        if cancel_at is not None:
            tasks.append(asyncio.ensure_future(cancel_later(task, wait, cancel_at)))
    # a lost slot would leave a borrower waiting for ever: fail instead
    outcomes = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout=5)
    # a borrower ends served or cancelled, nothing else
    assert all(o is None or isinstance(o, asyncio.CancelledError) for o in outcomes), outcomes
    return peak, asked, served, sessions


@settings(max_examples=200, deadline=None)
@given(plan=borrowers, limit=st.integers(1, 4))
def test_lending_respects_the_limit_and_loses_no_slot(
    plan: list[tuple[int, int, bool, int | None]], limit: int
) -> None:
    async def scenario() -> None:
        peak, _, served, sessions = await _lend(plan, limit)
        assert peak <= limit
        if all(cancel_at is None for *_, cancel_at in plan):
            assert len(served) == len(plan)
        # every slot came back: ``limit`` borrowers at once are all served, at once
        held = await asyncio.wait_for(
            asyncio.gather(*(sessions.borrow() for _ in range(limit))), timeout=1
        )
        extra = asyncio.ensure_future(sessions.borrow())
        await _ticks(3)
        assert not extra.done()  # the limit still holds
        sessions.give_back(held[0])
        assert (await asyncio.wait_for(extra, timeout=1)) is not None

    asyncio.run(scenario())


@settings(max_examples=100, deadline=None)
@given(plan=borrowers.map(lambda plan: [(w, h, b, None) for w, h, b, _ in plan]))
def test_with_one_slot_borrowers_are_served_in_the_order_they_asked(
    plan: list[tuple[int, int, bool, int | None]],
) -> None:
    async def scenario() -> None:
        _, asked, served, _ = await _lend(plan, 1)
        assert served == asked

    asyncio.run(scenario())


def test_a_broken_session_is_closed_not_lent_again() -> None:
    async def scenario() -> None:
        made: list[FakeSession] = []

        async def open_session() -> FakeSession:
            made.append(FakeSession())
            return made[-1]

        sessions = Sessions(open_session, 2)
        first = await sessions.borrow()
        first.abandon()
        sessions.give_back(first)
        second = sessions.idle() or await sessions.borrow()
        assert second is not first
        await sessions.close()
        assert first.closed

    asyncio.run(scenario())


def test_a_borrower_cancelled_in_line_as_the_slot_frees_sees_only_its_cancellation() -> None:
    async def scenario() -> None:
        async def open_session() -> FakeSession:
            return FakeSession()

        sessions = Sessions(open_session, 1)

        async def hold() -> None:
            session = await sessions.borrow()
            try:
                await asyncio.sleep(30)
            finally:
                sessions.give_back(session)

        first = asyncio.ensure_future(hold())
        await _ticks(2)
        second = asyncio.ensure_future(hold())
        await _ticks(2)  # the second waits in line
        first.cancel()  # gives its slot back before the second sees its own cancellation
        second.cancel()
        outcomes = await asyncio.gather(first, second, return_exceptions=True)
        assert all(isinstance(o, asyncio.CancelledError) for o in outcomes), outcomes
        assert await asyncio.wait_for(sessions.borrow(), timeout=1) is not None

    asyncio.run(scenario())
