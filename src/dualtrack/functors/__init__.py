"""Functors on agents: each lifts an agent to one that works inside some structure."""

from dualtrack.functors.focus import Focus
from dualtrack.functors.functor import Functor
from dualtrack.functors.kleisli import Succeed, bind
from dualtrack.functors.lists import ListFunctor
from dualtrack.functors.maybe import MaybeFunctor
from dualtrack.functors.result import ResultFunctor
from dualtrack.functors.safe import SafeFunctor, safe

__all__ = [
    "Focus",
    "Functor",
    "ListFunctor",
    "MaybeFunctor",
    "ResultFunctor",
    "SafeFunctor",
    "Succeed",
    "bind",
    "safe",
]
