"""Agent memory: immutable datums in append-only, namespaced stores, with refs for what moves."""

from dualtrack.memory.chain import Chain
from dualtrack.memory.cursor import Page
from dualtrack.memory.datum import Datum
from dualtrack.memory.delegating import DelegatingDgent
from dualtrack.memory.embedder import CallableEmbedder, HashedNgramEmbedder
from dualtrack.memory.memory_store import MemoryDgent, MemorySpace
from dualtrack.memory.metadata import Metadata
from dualtrack.memory.protocol import DgentProtocol, Embedder, SearchHit
from dualtrack.memory.query import ListQuery
from dualtrack.memory.retention import (
    CompactionPolicy,
    CompactionReceipt,
    Retention,
    expiring,
)
from dualtrack.memory.sqlite.store import SQLiteDgent
from dualtrack.memory.state_backend import DgentStateBackend
from dualtrack.memory.views import View, focus

__all__ = [
    "CallableEmbedder",
    "Chain",
    "CompactionPolicy",
    "CompactionReceipt",
    "Datum",
    "DelegatingDgent",
    "DgentProtocol",
    "DgentStateBackend",
    "Embedder",
    "HashedNgramEmbedder",
    "ListQuery",
    "MemoryDgent",
    "MemorySpace",
    "Metadata",
    "Page",
    "Retention",
    "SQLiteDgent",
    "SearchHit",
    "View",
    "expiring",
    "focus",
]
