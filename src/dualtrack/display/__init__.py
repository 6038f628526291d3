"""Rich display for Jupyter: pictures and tables of optics, agents, datums, stores and laws.

Pure Python (SVG and HTML strings, every stored value escaped), no network and no system
binary. The core classes show themselves through this package when a notebook asks
(``Optic``, ``Agent`` and pipelines, ``Datum``, ``LawViolation``); the functions here draw
what has no class of its own: the kind lattice, causal graphs, store summaries, diagrams.
"""

from dualtrack.display.datums import CausalGraph, StoreSummary, causal_graph, summary
from dualtrack.display.diagrams import commuting_square, diagram, timeline
from dualtrack.display.drawing import Drawing, Html
from dualtrack.display.optics import compose_kinds, composition_table, kind_lattice, steps

__all__ = [
    "CausalGraph",
    "Drawing",
    "Html",
    "StoreSummary",
    "causal_graph",
    "commuting_square",
    "compose_kinds",
    "composition_table",
    "diagram",
    "kind_lattice",
    "steps",
    "summary",
    "timeline",
]
