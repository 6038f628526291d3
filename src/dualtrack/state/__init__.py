"""Application state threaded through pure logic: ``StateFunctor`` and its backends."""

from dualtrack.state.backend import StateBackend, Version
from dualtrack.state.functor import StatefulAgent, StateFunctor
from dualtrack.state.memory import MemoryStateBackend

__all__ = ["MemoryStateBackend", "StateBackend", "StateFunctor", "StatefulAgent", "Version"]
