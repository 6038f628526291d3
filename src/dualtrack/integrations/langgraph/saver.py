"""``DualtrackSaver``: a LangGraph ``BaseCheckpointSaver`` over any ``DgentProtocol`` store.

Checkpoints are datums chained by ``causal_parent``; pending writes are datums linked to their
checkpoint by key (they may arrive first); a head ref per thread and namespace finds the latest.
Deletion hides through the store's retention (``forget``); compaction removes the bytes.
"""

from __future__ import annotations

import asyncio
import base64
import builtins
import json
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any, TypeVar

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    WRITES_IDX_MAP,
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    get_checkpoint_id,
    get_checkpoint_metadata,
)
from langgraph.checkpoint.serde.base import SerializerProtocol

from dualtrack.errors import ConflictError, ImmutableDatumError, MissingParentError
from dualtrack.integrations.langgraph.heads import Heads
from dualtrack.integrations.langgraph.home import HomeLoop
from dualtrack.integrations.langgraph.instants import instant_of
from dualtrack.integrations.langgraph.keys import LAYOUT, Thread
from dualtrack.integrations.langgraph.serde import SafeSerializer
from dualtrack.memory.advancing import advance
from dualtrack.memory.datum import Datum
from dualtrack.memory.protocol import DgentProtocol
from dualtrack.memory.retention.protocol import retention_of
from dualtrack.memory.urls import open_dgent

KIND = "lg.kind"
T = TypeVar("T")


class DualtrackSaver(BaseCheckpointSaver[str]):
    """Persist LangGraph checkpoints in ``store``, reached on its home loop.

    See :class:`HomeLoop` for which thread runs what; :meth:`connect` for sync use anywhere.
    """

    def __init__(
        self,
        store: DgentProtocol,
        *,
        serde: SerializerProtocol | None = None,
        home: HomeLoop | None = None,
    ) -> None:
        super().__init__(serde=serde or SafeSerializer())
        self.store = store
        self._home = home or HomeLoop.current()
        self._heads = Heads()

    @classmethod
    async def from_url(
        cls, url: str | None = None, *, serde: SerializerProtocol | None = None, **options: Any
    ) -> DualtrackSaver:
        """A saver over the store ``url`` names, opened like :func:`open_dgent` on the
        running loop (its sync methods then need another thread: use :meth:`connect`)."""
        return cls(await open_dgent(url, **options), serde=serde)

    @classmethod
    def connect(
        cls, url: str | None = None, *, serde: SerializerProtocol | None = None, **options: Any
    ) -> DualtrackSaver:
        """A saver whose store lives on a private loop thread: sync and async methods work
        from any thread, inside a running loop or not. Call :meth:`close` when done."""
        home = HomeLoop.private()
        try:
            store = home.block(open_dgent(url, **options))
        except BaseException:
            home.stop()
            raise
        return cls(store, serde=serde, home=home)

    # -- storage, run on the store's home loop -----------------------------------------------

    async def _aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        where = Thread.of_config(config)
        wanted = get_checkpoint_id(config)
        rows: builtins.list[Datum] | None = None
        if wanted:
            target: str | None = where.checkpoint_id(wanted)
        else:
            target, rows = await self._head(where)
        if target is None:
            return None
        if rows is None:
            rows = await self._all(None, prefix=target)  # the checkpoint, then its writes
        found = [row for row in rows if row.id == target]
        if not found:
            return None
        return await self._tuple(found[0], [row for row in rows if row.id != target])

    async def _head(self, where: Thread) -> tuple[str | None, builtins.list[Datum] | None]:
        """The thread's head, with the rows under it when the head this saver remembers is
        still the head (read beside the ref, not after it)."""
        name = where.head_ref()
        guess = self._heads.guess(name)
        if guess is None:
            target = await self.store.get_ref(name)
            rows = None
        else:
            ref, read = await asyncio.gather(
                self.store.get_ref(name), self._all(None, prefix=guess), return_exceptions=True
            )
            if isinstance(ref, BaseException):
                raise ref
            if isinstance(read, BaseException) and ref == guess:
                raise read
            target = ref
            rows = read if ref == guess and not isinstance(read, BaseException) else None
        if target is not None:
            self._heads.saw(name, target)
        return target, rows

    async def _alist(
        self,
        config: RunnableConfig | None,
        filter: dict[str, Any] | None,
        before: RunnableConfig | None,
        limit: int | None,
    ) -> builtins.list[CheckpointTuple]:
        wanted: dict[str, Any] = {KIND: "checkpoint"}
        conf = (config or {}).get("configurable", {})
        if conf.get("thread_id") is not None:
            wanted["lg.thread"] = str(conf["thread_id"])
        if conf.get("checkpoint_ns") is not None:
            wanted["lg.ns"] = str(conf["checkpoint_ns"])
        found = [d for d in await self._all(wanted) if _matches(d, conf, filter)]
        found.sort(key=lambda d: str(d.metadata["lg.checkpoint"]), reverse=True)
        bound = get_checkpoint_id(before) if before else None
        if bound is not None:
            found = [d for d in found if str(d.metadata["lg.checkpoint"]) < bound]
        if limit is not None:
            found = found[:limit]
        if len(found) < 2 or "lg.thread" not in wanted:
            return [await self._tuple(datum) for datum in found]
        # many checkpoints of one thread: read all its pending writes at once, not one by one
        rows = await self._all({**wanted, KIND: "write"})
        by_checkpoint: dict[tuple[str, str], builtins.list[Datum]] = {}
        for row in rows:
            key = (str(row.metadata["lg.ns"]), str(row.metadata["lg.checkpoint"]))
            by_checkpoint.setdefault(key, []).append(row)
        return [
            await self._tuple(
                datum,
                by_checkpoint.get(
                    (str(datum.metadata["lg.ns"]), str(datum.metadata["lg.checkpoint"])), []
                ),
            )
            for datum in found
        ]

    async def _aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        where = Thread.of_config(config)
        parent = config["configurable"].get("checkpoint_id")
        kind, body = self.serde.dumps_typed(checkpoint)
        meta = get_checkpoint_metadata(config, metadata)
        datum = Datum(
            id=where.checkpoint_id(checkpoint["id"]),
            content=body,
            created_at=instant_of(checkpoint["id"]),
            causal_parent=where.checkpoint_id(parent) if parent else None,
            metadata={
                KIND: "checkpoint",
                "lg.thread": where.thread,
                "lg.ns": where.ns,
                "lg.checkpoint": checkpoint["id"],
                "lg.parent": parent,
                "lg.type": kind,
                "lg.meta": _encode(self.serde.dumps_typed(meta)),
                "lg.run": meta.get("run_id"),
                "lg.filter": json.loads(json.dumps(meta, default=repr)),
                LAYOUT: 2,
            },
        )
        await self._append(where, datum)
        return where.config(checkpoint["id"])

    async def _aput_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        conf = config["configurable"]
        where = Thread.of_config(config)
        checkpoint = str(conf["checkpoint_id"])
        indexed = [
            (WRITES_IDX_MAP.get(channel, i), channel, v) for i, (channel, v) in enumerate(writes)
        ]
        if all(idx >= 0 for idx, _, _ in indexed):
            # ordinary channels keep their first write: store without reading what is there,
            # unless a different first write is stored already (then the read below skips it)
            try:
                await self.store.put_many(
                    self._write_batch(where, checkpoint, conf, indexed, task_id, task_path, {})
                )
                return
            except ImmutableDatumError:
                pass
        stored = await self._writes(where, checkpoint)
        await self.store.put_many(
            self._write_batch(where, checkpoint, conf, indexed, task_id, task_path, stored)
        )

    def _write_batch(
        self,
        where: Thread,
        checkpoint: str,
        conf: dict[str, Any],
        writes: Sequence[tuple[int, str, Any]],
        task_id: str,
        task_path: str,
        stored: dict[tuple[str, int], Datum],
    ) -> builtins.list[Datum]:
        """The datums of a task's ``writes`` to ``checkpoint``, given the latest ``stored``
        revision of each (task, index): an ordinary channel keeps its first write, a special
        one (negative index) gets the next revision."""
        run = conf.get("run_id")
        batch: builtins.list[Datum] = []
        for idx, channel, value in writes:
            previous = stored.get((task_id, idx))
            if previous is not None and idx >= 0:
                continue
            revision = 0 if previous is None else int(previous.metadata["lg.revision"]) + 1
            kind, body = self.serde.dumps_typed(value)
            write = Datum(
                id=where.write_id(checkpoint, task_id, idx, revision),
                content=body,
                created_at=instant_of(checkpoint),
                causal_parent=None if previous is None else previous.id,
                metadata={
                    KIND: "write",
                    "lg.thread": where.thread,
                    "lg.ns": where.ns,
                    "lg.checkpoint": checkpoint,
                    "lg.task": task_id,
                    "lg.path": task_path,
                    "lg.idx": idx,
                    "lg.channel": channel,
                    "lg.type": kind,
                    "lg.revision": revision,
                    "lg.run": run,
                },
            )
            stored[(task_id, idx)] = write
            batch.append(write)
        return batch

    async def _adelete_thread(self, thread_id: str) -> None:
        await retention_of(self.store).forget(metadata={"lg.thread": str(thread_id)})

    async def _adelete_for_runs(self, run_ids: Sequence[str]) -> None:
        for run in run_ids:
            await retention_of(self.store).forget(metadata={"lg.run": run})

    async def _acopy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        source, target = str(source_thread_id), str(target_thread_id)
        datums = await self._all({"lg.thread": source})
        datums.sort(key=lambda d: (d.metadata[KIND] != "checkpoint", d.created_at, d.id))
        for datum in datums:
            meta = dict(datum.metadata)
            meta["lg.thread"] = target
            where, checkpoint = Thread.of_metadata(meta), str(meta["lg.checkpoint"])
            if meta[KIND] == "checkpoint":
                meta[LAYOUT] = 2
                new_id = where.checkpoint_id(checkpoint)
                parent = meta.get("lg.parent")
                parent_id = where.checkpoint_id(parent) if parent else None
            else:
                new_id = where.write_id(
                    checkpoint, meta["lg.task"], meta["lg.idx"], meta["lg.revision"]
                )
                parent_id = None
            if parent_id is not None and not await self.store.exists(parent_id):
                parent_id = None
            copy = Datum(new_id, datum.content, datum.created_at, parent_id, meta)
            if meta[KIND] == "checkpoint":
                await self._append(where, copy)
            else:
                await self.store.put(copy)

    async def _aprune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        for thread in thread_ids:
            datums = await self._all({"lg.thread": str(thread)})
            if strategy == "delete":
                await retention_of(self.store).forget([d.id for d in datums])
                continue
            latest: dict[str, str] = {}
            for d in datums:
                if d.metadata[KIND] == "checkpoint":
                    ns, cid = str(d.metadata["lg.ns"]), str(d.metadata["lg.checkpoint"])
                    latest[ns] = max(latest.get(ns, cid), cid)
            doomed = [
                d.id
                for d in datums
                if latest.get(str(d.metadata["lg.ns"])) != d.metadata["lg.checkpoint"]
            ]
            await retention_of(self.store).forget(doomed)

    # -- async API: on the caller's loop, or handed to the store's home loop ---------------

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        return await self._home.visit(self._aget_tuple(config))

    async def alist(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        for found in await self._home.visit(self._alist(config, filter, before, limit)):
            yield found

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        return await self._home.visit(self._aput(config, checkpoint, metadata, new_versions))

    async def aput_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        await self._home.visit(self._aput_writes(config, writes, task_id, task_path))

    async def adelete_thread(self, thread_id: str) -> None:
        await self._home.visit(self._adelete_thread(thread_id))

    async def adelete_for_runs(self, run_ids: Sequence[str]) -> None:
        await self._home.visit(self._adelete_for_runs(run_ids))

    async def acopy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        await self._home.visit(self._acopy_thread(source_thread_id, target_thread_id))

    async def aprune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        await self._home.visit(self._aprune(thread_ids, strategy=strategy))

    # -- sync API: blocks on the store's home loop ------------------------------------------

    def get_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        return self._home.block(self._aget_tuple(config))

    def list(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        return iter(self._home.block(self._alist(config, filter, before, limit)))

    def put(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        return self._home.block(self._aput(config, checkpoint, metadata, new_versions))

    def put_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        self._home.block(self._aput_writes(config, writes, task_id, task_path))

    def delete_thread(self, thread_id: str) -> None:
        self._home.block(self._adelete_thread(thread_id))

    def delete_for_runs(self, run_ids: Sequence[str]) -> None:
        self._home.block(self._adelete_for_runs(run_ids))

    def copy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        self._home.block(self._acopy_thread(source_thread_id, target_thread_id))

    def prune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        self._home.block(self._aprune(thread_ids, strategy=strategy))

    def close(self) -> None:
        """Close the store and stop the saver's private loop, if it has one."""
        self._home.block(self.store.close())
        self._home.stop()

    async def aclose(self) -> None:
        """Close the store (on its home loop) and stop the private loop, if any."""
        await self._home.visit(self.store.close())
        self._home.stop()

    # -- helpers ---------------------------------------------------------------------------

    async def _all(
        self, metadata: dict[str, Any] | None, prefix: str | None = None
    ) -> builtins.list[Datum]:
        found: builtins.list[Datum] = []
        cursor: str | None = None
        while True:
            page = await self.store.list(
                prefix=prefix, metadata=metadata, limit=1000, cursor=cursor
            )
            found.extend(page)
            cursor = page.cursor
            if cursor is None or not page:
                return found

    async def _writes(self, where: Thread, checkpoint: str) -> dict[tuple[str, int], Datum]:
        return _latest(await self._all(None, prefix=where.writes_prefix(checkpoint)))

    async def _legacy_writes(self, where: Thread, checkpoint: str) -> builtins.list[Datum]:
        return await self._all(None, prefix=where.legacy_writes_prefix(checkpoint))

    async def _append(self, where: Thread, datum: Datum) -> None:
        """Store the checkpoint ``datum``, moving its thread's head ref to it in the same step
        unless the head names a later checkpoint (LangGraph orders checkpoints by id); a
        parent the store does not hold (deleted, or never here) starts a new chain."""
        try:
            await self._append_to_head(where, datum)
        except MissingParentError:
            orphan = Datum(datum.id, datum.content, datum.created_at, None, datum.metadata)
            await self._append_to_head(where, orphan)

    async def _append_to_head(self, where: Thread, datum: Datum) -> None:
        name = where.head_ref()
        mine = str(datum.metadata["lg.checkpoint"])
        parent = datum.metadata["lg.parent"]
        if parent is None or str(parent) < mine:
            # the usual step: the head is this checkpoint's parent (or unset for a first one)
            try:
                await advance(self.store, datum, name, expected=datum.causal_parent)
                self._heads.saw(name, datum.id)
                return
            except ConflictError:
                pass
        while True:
            current = await self.store.get_ref(name)
            if current is not None:
                if current == datum.causal_parent:  # the head is the parent: no read needed
                    latest = str(parent)
                else:
                    held = await self.store.get(current)
                    latest = "" if held is None else str(held.metadata["lg.checkpoint"])
                if latest >= mine:
                    await self.store.put(datum)
                    return
            try:
                await advance(self.store, datum, name, expected=current)
                self._heads.saw(name, datum.id)
                return
            except ConflictError:
                continue

    async def _tuple(
        self, datum: Datum, write_rows: builtins.list[Datum] | None = None
    ) -> CheckpointTuple:
        """The tuple of the checkpoint ``datum``, with its pending writes (``write_rows``
        when the caller read them already)."""
        meta = datum.metadata
        where = Thread.of_metadata(meta)
        checkpoint = self.serde.loads_typed((str(meta["lg.type"]), datum.content))
        if write_rows is None:
            write_rows = await self._all(
                None, prefix=where.writes_prefix(str(meta["lg.checkpoint"]))
            )
        if LAYOUT not in meta:  # stored by an older saver: its writes may be there too
            write_rows = [
                *await self._legacy_writes(where, str(meta["lg.checkpoint"])),
                *write_rows,
            ]
        writes = _latest(write_rows)
        pending = [
            (
                str(w.metadata["lg.task"]),
                str(w.metadata["lg.channel"]),
                self.serde.loads_typed((str(w.metadata["lg.type"]), w.content)),
            )
            for _, w in sorted(writes.items())
        ]
        parent = meta.get("lg.parent")
        return CheckpointTuple(
            config=where.config(str(meta["lg.checkpoint"])),
            checkpoint=checkpoint,
            metadata=self.serde.loads_typed(_decode(meta["lg.meta"])),
            parent_config=where.config(str(parent)) if parent else None,
            pending_writes=pending,
        )


def _latest(rows: Sequence[Datum]) -> dict[tuple[str, int], Datum]:
    """The latest revision of each pending write among ``rows``, by (task, index)."""
    latest: dict[tuple[str, int], Datum] = {}
    for row in rows:
        key = (str(row.metadata["lg.task"]), int(row.metadata["lg.idx"]))
        kept = latest.get(key)  # ties: the later row (the current layout, after legacy rows)
        if kept is None or row.metadata["lg.revision"] >= kept.metadata["lg.revision"]:
            latest[key] = row
    return latest


def _encode(pair: tuple[str, bytes]) -> builtins.list[str]:
    return [pair[0], base64.b64encode(pair[1]).decode("ascii")]


def _decode(value: Any) -> tuple[str, bytes]:
    return str(value[0]), base64.b64decode(str(value[1]))


def _matches(datum: Datum, conf: dict[str, Any], wanted: dict[str, Any] | None) -> bool:
    if conf.get("checkpoint_id") and datum.metadata["lg.checkpoint"] != conf["checkpoint_id"]:
        return False
    if not wanted:
        return True
    stored = json.loads(json.dumps(datum.metadata.get("lg.filter", {})))
    return all(stored.get(k) == v for k, v in wanted.items())
