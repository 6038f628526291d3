"""SQLDgent against a hostile network and killed backends: every failure is a typed
``BackendUnavailable``, never a raw driver error, no call waits past its timeout, and the
next call works on a fresh connection."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
import uuid
from collections.abc import Iterator

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from dualtrack import (
    BackendUnavailable,
    Datum,
    DualtrackError,
    InvalidArgument,
    OperationTimedOut,
    SQLDgent,
    open_dgent,
)
from tests.stores.sql_support import POSTGRES, POSTGRES_URL, Database, postgres_schema

__all__ = ["postgres_schema"]

RAW_DSN = POSTGRES_URL.set(drivername="postgresql").render_as_string(hide_password=False)


@contextlib.contextmanager
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never says a word; yields the port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.05)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                held.append(listener.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        listener.close()


def test_a_silent_server_fails_each_call_within_its_timeout() -> None:
    async def scenario() -> None:
        with silent_server() as port:
            url = f"postgresql+asyncpg://postgres@127.0.0.1:{port}/test"
            engine = create_async_engine(url, connect_args={"timeout": 60})
            store = SQLDgent(engine, timeout=0.3, create_tables=False, dispose_engine=True)
            try:
                for call in (
                    store.put_many([Datum(id="a", content=b"a", created_at=1.0)]),
                    store.get("a"),
                ):
                    began = time.monotonic()
                    with pytest.raises(OperationTimedOut, match=r"timeout of 0\.3 s") as caught:
                        await call
                    assert time.monotonic() - began < 2.0
                    assert isinstance(caught.value, BackendUnavailable)
            finally:
                await asyncio.wait_for(store.close(), 5)
            began = time.monotonic()
            with pytest.raises(OperationTimedOut):
                await open_dgent(url, timeout=0.3)
            assert time.monotonic() - began < 2.0

    asyncio.run(scenario())


def test_timeouts_must_be_positive_seconds_or_none() -> None:
    engine = create_async_engine(POSTGRES_URL)
    for bad in (0, -1.0, float("nan"), float("inf"), "5", True):
        with pytest.raises(InvalidArgument, match="timeout"):
            SQLDgent(engine, timeout=bad)  # type: ignore[arg-type]
    SQLDgent(engine, timeout=None)


@pytest.mark.postgres
def test_a_write_blocked_by_a_lock_held_elsewhere_times_out_then_works(
    postgres_schema: str,
) -> None:
    async def scenario() -> None:
        store = await open_dgent(
            POSTGRES_URL.render_as_string(hide_password=False),
            schema=postgres_schema,
            timeout=0.5,
            pool_size=2,
        )
        admin = await asyncpg.connect(RAW_DSN)
        try:
            await store.put(Datum(id="first", content=b"1", created_at=1.0))
            locker = admin.transaction()
            await locker.start()
            await admin.execute(f'LOCK TABLE "{postgres_schema}".dualtrack_datums')
            began = time.monotonic()
            with pytest.raises(OperationTimedOut, match="either committed whole"):
                await store.put(Datum(id="blocked", content=b"2", created_at=2.0))
            assert time.monotonic() - began < 3.0
            await locker.rollback()
            again = Datum(id="blocked", content=b"2", created_at=2.0)
            assert await store.put(again) == again
            assert await store.get("first") is not None
        finally:
            await admin.close()
            await store.close()

    asyncio.run(scenario())


@pytest.mark.postgres
def test_killed_backends_only_ever_raise_typed_errors_and_the_next_call_works(
    postgres_schema: str,
) -> None:
    database = Database(POSTGRES, postgres_schema)
    name = f"hardening-{uuid.uuid4().hex[:12]}"

    async def scenario() -> list[BaseException]:
        engine = database.engine(
            pool_size=3,
            connect_args={
                "server_settings": {"application_name": name, "search_path": database.schema}
            },
        )
        store = await SQLDgent.open(engine, namespace="kills", dispose_engine=True, timeout=10)
        admin = await asyncpg.connect(RAW_DSN)
        failures: list[BaseException] = []
        stop = asyncio.Event()

        async def client(worker: int) -> None:
            for step in range(10_000):
                if stop.is_set():
                    return
                datum = Datum(id=f"w{worker}-{step}", content=b"x" * 64, created_at=float(step))
                try:
                    await store.put_many([datum, datum.derive(b"y", created_at=step + 0.5)])
                    await store.get(datum.id)
                except BaseException as error:  # judged below: typed or not
                    failures.append(error)

        async def killer() -> None:
            for _ in range(120):
                await admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = $1",
                    name,
                )
                await asyncio.sleep(0.01)
            stop.set()

        try:
            await asyncio.gather(killer(), *(client(n) for n in range(3)))
            after = Datum(id="after", content=b"fine", created_at=9.0)
            assert await store.put(after) == after
            assert await store.get("after") == after
        finally:
            await admin.close()
            await store.close()
        return failures

    failures = asyncio.run(scenario())
    assert failures, "no call was cut off: the kills missed"
    untyped = [
        f"{type(f).__module__}.{type(f).__name__}: {f}"
        for f in failures
        if not isinstance(f, DualtrackError)
    ]
    assert not untyped, untyped[:5]
    assert all(isinstance(f, BackendUnavailable) for f in failures)
