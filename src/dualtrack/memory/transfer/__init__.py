"""Moving agent memory between stores: copy, JSON Lines export and import, and the digest both
sides of a copy compute to check it. Built on ``DgentProtocol`` alone, so any store works."""

from dualtrack.memory.transfer.copying import CopyReport, copy_namespace, copy_refs
from dualtrack.memory.transfer.digest import NamespaceDigest, digest
from dualtrack.memory.transfer.jsonl import (
    ExportReport,
    ImportReport,
    export_namespace,
    import_lines,
)

__all__ = [
    "CopyReport",
    "ExportReport",
    "ImportReport",
    "NamespaceDigest",
    "copy_namespace",
    "copy_refs",
    "digest",
    "export_namespace",
    "import_lines",
]
