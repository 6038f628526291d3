"""Fixed-length datum ids and ref names for LangGraph keys (thread, namespace, checkpoint id).

Nested subgraph namespaces make raw keys longer than the store's id limit, so ids are digests;
the real keys live in the datum's metadata.
"""

from __future__ import annotations

import hashlib
import json

PREFIX = "lg-"


def digest(kind: str, *parts: object) -> str:
    """A 64-hex id naming ``parts`` under ``kind`` (``c`` checkpoint, ``w`` write, ``h`` head)."""
    body = json.dumps([kind, *parts], separators=(",", ":")).encode("utf-8")
    return f"{PREFIX}{kind}-{hashlib.sha256(body).hexdigest()}"


def checkpoint_id(thread: str, ns: str, checkpoint: str) -> str:
    """The datum id of one checkpoint."""
    return digest("c", thread, ns, checkpoint)


def writes_prefix(thread: str, ns: str, checkpoint: str) -> str:
    """The id prefix shared by every pending write of one checkpoint (a range scan)."""
    return digest("w", thread, ns, checkpoint) + "-"


def write_id(thread: str, ns: str, checkpoint: str, task: str, idx: int, revision: int) -> str:
    """The datum id of one revision of one pending write: its checkpoint's prefix, then a
    digest of the task, index and revision (147 characters, under the id limit)."""
    return writes_prefix(thread, ns, checkpoint) + digest("r", task, idx, revision)


def head_ref(thread: str, ns: str) -> str:
    """The ref naming the latest checkpoint of a thread and namespace."""
    return digest("h", thread, ns)
