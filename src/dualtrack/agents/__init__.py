"""Agents: async steps ``Agent[A, B]`` composed with ``>>``, the identity ``Id``, and lifting."""

from dualtrack.agents.agent import Agent, Id, IdentityAgent, Pipeline, compose
from dualtrack.agents.function import FunctionAgent, agent
from dualtrack.agents.pipeline import pipeline

__all__ = [
    "Agent",
    "FunctionAgent",
    "Id",
    "IdentityAgent",
    "Pipeline",
    "agent",
    "compose",
    "pipeline",
]
