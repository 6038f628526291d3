"""Point reads that arrive together share one query.

A lone ``get`` runs at once, as one indexed query. While ``in_flight`` queries are already
running, further ``get`` calls wait; when a query finishes (and the readers it answered have
had their turn), everything that waited goes out as one ``id = ANY(...)`` query. Under many
concurrent readers this turns one round trip and one statement's client-side work per read
into one per batch, which is what lets reads scale with concurrency when the client's CPU,
not the server, is the limit. Every waiting read is answered by a query that started after
it arrived, so it sees every write that committed before it was called.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Coalescer(Generic[K, V]):
    """Answers ``load(key)`` alone when nothing else runs, else in shared batches.

    >>> import asyncio
    >>> batches = []
    >>> async def one(key):
    ...     await asyncio.sleep(0)  # a query takes a moment: the others queue meanwhile
    ...     return key * 2
    >>> async def many(keys):
    ...     batches.append(sorted(keys))
    ...     return {key: key * 2 for key in keys}
    >>> async def demo():
    ...     reads = Coalescer(one, many, in_flight=1)
    ...     return await asyncio.gather(*(reads.load(n) for n in range(5)))
    >>> asyncio.run(demo()), batches
    ([0, 2, 4, 6, 8], [[1, 2, 3, 4]])
    """

    def __init__(
        self,
        fetch_one: Callable[[K], Awaitable[V | None]],
        fetch_many: Callable[[Sequence[K]], Awaitable[Mapping[K, V]]],
        *,
        in_flight: int,
    ) -> None:
        self._fetch_one = fetch_one
        self._fetch_many = fetch_many
        self._limit = in_flight
        self._running = 0
        self._waiting: dict[K, list[asyncio.Future[V | None]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def load(self, key: K) -> V | None:
        """The value for ``key`` (``None`` when there is none)."""
        if self._running < self._limit and not self._waiting:
            self._running += 1
            try:
                return await self._fetch_one(key)
            finally:
                self._running -= 1
                self._dispatch()
        future: asyncio.Future[V | None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(key, []).append(future)
        self._dispatch()
        return await future

    def _dispatch(self) -> None:
        """Send everything waiting as one batch, if a query may start."""
        if not self._waiting or self._running >= self._limit:
            return
        batch, self._waiting = self._waiting, {}
        self._running += 1
        task = asyncio.get_running_loop().create_task(self._answer(batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer(self, batch: dict[K, list[asyncio.Future[V | None]]]) -> None:
        try:
            found = await self._fetch_many(list(batch))
        except Exception as error:
            for futures in batch.values():
                for future in futures:
                    if not future.done():
                        future.set_exception(error)
        except BaseException:
            for futures in batch.values():
                for future in futures:
                    future.cancel()
            raise
        else:
            for key, futures in batch.items():
                for future in futures:
                    if not future.done():
                        future.set_result(found.get(key))
        finally:
            self._running -= 1
            # after the readers just answered have run: their next reads join this batch
            asyncio.get_running_loop().call_soon(self._dispatch)
