"""Fixed-length datum ids and ref names for LangGraph keys (thread, namespace, checkpoint id),
and :class:`Thread`, the thread and namespace read once from a config or stored metadata.

Nested subgraph namespaces make raw keys longer than the store's id limit, so ids are digests;
the real keys live in the datum's metadata.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from langchain_core.runnables import RunnableConfig

PREFIX = "lg-"
#: The metadata key marking checkpoints whose writes follow their id (see :func:`writes_prefix`).
LAYOUT = "lg.layout"


_compact = json.JSONEncoder(separators=(",", ":")).encode  # made once, not per call


def digest(kind: str, *parts: object) -> str:
    """A 64-hex id naming ``parts`` under ``kind`` (``c`` checkpoint, ``w`` write, ``h`` head)."""
    body = _compact([kind, *parts]).encode("utf-8")
    return f"{PREFIX}{kind}-{hashlib.sha256(body).hexdigest()}"


@functools.lru_cache(maxsize=4096)
def checkpoint_id(thread: str, ns: str, checkpoint: str) -> str:
    """The datum id of one checkpoint (remembered: a step names the same one several times,
    as a checkpoint, a parent and the prefix of its writes)."""
    return digest("c", thread, ns, checkpoint)


def writes_prefix(thread: str, ns: str, checkpoint: str) -> str:
    """The id prefix shared by every pending write of one checkpoint: its checkpoint's id and
    a dash, so one range scan from the checkpoint's id reads it and its writes together."""
    return checkpoint_id(thread, ns, checkpoint) + "-"


def legacy_writes_prefix(thread: str, ns: str, checkpoint: str) -> str:
    """Where savers before pending writes followed their checkpoint's id kept them (read for
    checkpoints stored then, which carry no :data:`LAYOUT` key)."""
    return digest("w", thread, ns, checkpoint) + "-"


def write_id(thread: str, ns: str, checkpoint: str, task: str, idx: int, revision: int) -> str:
    """The datum id of one revision of one pending write: its checkpoint's prefix, then a
    digest of the task, index and revision (139 characters, under the id limit)."""
    return writes_prefix(thread, ns, checkpoint) + digest("r", task, idx, revision)


@functools.lru_cache(maxsize=4096)
def head_ref(thread: str, ns: str) -> str:
    """The ref naming the latest checkpoint of a thread and namespace."""
    return digest("h", thread, ns)


@dataclass(frozen=True, slots=True)
class Thread:
    """A thread and checkpoint namespace, read once from a config or a stored datum's
    metadata, naming the ids and refs of what it holds.

    >>> where = Thread.of_config({"configurable": {"thread_id": 7}})
    >>> where, where.head_ref() == head_ref("7", "")
    (Thread(thread='7', ns=''), True)
    """

    thread: str
    ns: str

    @classmethod
    def of_config(cls, config: RunnableConfig) -> Thread:
        """The thread a LangGraph config names (namespace ``""`` when it names none)."""
        conf = config["configurable"]
        return cls(str(conf["thread_id"]), str(conf.get("checkpoint_ns", "")))

    @classmethod
    def of_metadata(cls, metadata: Mapping[str, Any]) -> Thread:
        """The thread a stored checkpoint or write belongs to."""
        return cls(str(metadata["lg.thread"]), str(metadata["lg.ns"]))

    def config(self, checkpoint: str) -> RunnableConfig:
        """The LangGraph config of ``checkpoint`` in this thread."""
        return {
            "configurable": {
                "thread_id": self.thread,
                "checkpoint_ns": self.ns,
                "checkpoint_id": checkpoint,
            }
        }

    def checkpoint_id(self, checkpoint: str) -> str:
        """The datum id of ``checkpoint`` in this thread."""
        return checkpoint_id(self.thread, self.ns, checkpoint)

    def writes_prefix(self, checkpoint: str) -> str:
        """The id prefix of the pending writes of ``checkpoint`` in this thread."""
        return writes_prefix(self.thread, self.ns, checkpoint)

    def legacy_writes_prefix(self, checkpoint: str) -> str:
        """Where older savers kept the pending writes of ``checkpoint`` in this thread."""
        return legacy_writes_prefix(self.thread, self.ns, checkpoint)

    def write_id(self, checkpoint: str, task: str, idx: int, revision: int) -> str:
        """The datum id of one revision of one pending write of ``checkpoint``."""
        return write_id(self.thread, self.ns, checkpoint, task, idx, revision)

    def head_ref(self) -> str:
        """The ref naming this thread's latest checkpoint."""
        return head_ref(self.thread, self.ns)
