"""The bridge from application state to agent memory: typed tables seen as datum stores."""

from dualtrack.bridge.exact_numeric import ExactNumeric
from dualtrack.bridge.refs_table import REFS_TABLE, refs_table
from dualtrack.bridge.row_codec import RowCodec
from dualtrack.bridge.table_adapter import TableAdapter
from dualtrack.bridge.table_state import TableStateBackend

__all__ = [
    "REFS_TABLE",
    "ExactNumeric",
    "RowCodec",
    "TableAdapter",
    "TableStateBackend",
    "refs_table",
]
