"""What the agent-memory law modules share: the store factory type, fresh stores, outcomes."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dualtrack.errors import (
    ConflictError,
    DualtrackError,
    ImmutableDatumError,
    InvalidArgument,
    InvalidCursor,
    InvalidDatum,
    MissingParentError,
    UnknownDatum,
)
from dualtrack.memory import DgentProtocol
from laws.core import run
from laws.private_loop import RunAsync, event_loop

#: Makes a fresh, empty store for a namespace name never used before.
StoreFactory = Callable[[str], Awaitable[DgentProtocol]]

#: The error classes whose identity the laws compare (most specific first).
ERRORS: tuple[type[DualtrackError], ...] = (
    InvalidCursor,
    ImmutableDatumError,
    MissingParentError,
    ConflictError,
    UnknownDatum,
    InvalidDatum,
    InvalidArgument,
)


def error_kind(error: BaseException) -> str:
    """The name of the law-relevant class of ``error`` (its own name when it is none of them)."""
    for kind in ERRORS:
        if isinstance(error, kind):
            return kind.__name__
    return type(error).__name__


async def outcome(step: Awaitable[Any]) -> Any:
    """The value of ``step``, or ``("raised", error kind)`` for a dualtrack error."""
    try:
        return await step
    except DualtrackError as error:
        return ("raised", error_kind(error))


async def open_store(factory: StoreFactory, namespace: str) -> DgentProtocol:
    """The store ``factory`` makes for ``namespace`` (as a coroutine, for ``Runner.run``)."""
    return await factory(namespace)


@asynccontextmanager
async def fresh_stores(factory: StoreFactory, count: int = 1) -> AsyncIterator[list[DgentProtocol]]:
    """``count`` fresh stores in new namespaces, closed afterwards."""
    stores: list[DgentProtocol] = []
    try:
        for _ in range(count):
            stores.append(await factory(f"law-{uuid.uuid4().hex[:20]}"))
        yield stores
    finally:
        for store in stores:
            await store.close()


def on_fresh_store(
    factory: StoreFactory,
    strategies: dict[str, st.SearchStrategy[Any]],
    body: Callable[..., Awaitable[None]],
    custom: settings | None,
) -> None:
    """Run ``body(store, **drawn)`` on a fresh store for every example hypothesis draws."""

    def on_loop(run_async: RunAsync[Any]) -> None:
        @given(**strategies)
        def property_(**drawn: Any) -> None:
            async def example() -> None:
                async with fresh_stores(factory) as (store,):
                    await body(store, **drawn)

            run_async(example())

        run(property_, custom)

    with event_loop() as run_async:
        on_loop(run_async)
