"""``DualtrackSaver``: LangGraph checkpoints stored as datums in any ``DgentProtocol`` store."""

from dualtrack.integrations.langgraph.saver import DualtrackSaver

__all__ = ["DualtrackSaver"]
