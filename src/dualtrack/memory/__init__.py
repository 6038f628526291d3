"""Agent memory: immutable datums in append-only, namespaced stores, with refs for what moves."""

from dualtrack.memory.cursor import Page
from dualtrack.memory.datum import Datum
from dualtrack.memory.metadata import Metadata
from dualtrack.memory.protocol import DgentProtocol, Embedder, SearchHit
from dualtrack.memory.query import ListQuery

__all__ = ["Datum", "DgentProtocol", "Embedder", "ListQuery", "Metadata", "Page", "SearchHit"]
