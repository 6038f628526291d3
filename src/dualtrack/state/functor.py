"""``StateFunctor``: thread a stored state through pure logic, one load-run-save per invoke.

Logic is ``(input, state) -> (output, new_state)``, sync or async. Each ``invoke`` loads the
state and its version, runs the logic, and saves the new state against that version. Nothing is
saved when the logic raises, and the exception reaches the caller unchanged. When another
writer saved first (:class:`ConflictError`), the state is loaded again and the logic re-run,
which is safe because it is pure; after ``retries`` such retries the conflict is raised.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from types import MethodType
from typing import Any, Generic, Protocol, TypeVar, overload

from dualtrack.agents import Agent
from dualtrack.agents.awaiting import awaitable_type
from dualtrack.agents.function import is_async
from dualtrack.errors import ConflictError, InvalidInput
from dualtrack.state.backend import StateBackend

A = TypeVar("A")
B = TypeVar("B")
S = TypeVar("S")

#: Retries after a conflict before ``invoke`` gives up and raises ``ConflictError``. Each
#: conflict means another writer succeeded meanwhile, so ``n`` concurrent invokes all succeed
#: whenever ``retries >= n - 1``; the default covers 33 writers racing on one state.
DEFAULT_RETRIES = 32
#: Seconds of the first random pause after a conflict; it doubles with each retry.
DEFAULT_BACKOFF = 0.0005
_MAX_PAUSE = 0.05


class StatefulAgent(Agent[A, B]):
    """An agent whose logic reads and replaces a state kept in a :class:`StateBackend`."""

    def __init__(
        self,
        logic: Callable[[A, Any], Any],
        *,
        backend: StateBackend[Any],
        name: str,
        awaits: bool | None = None,
        retries: int = DEFAULT_RETRIES,
        backoff: float = DEFAULT_BACKOFF,
    ) -> None:
        if retries < 0 or backoff < 0:
            raise InvalidInput(f"retries and backoff must be >= 0, got {retries} and {backoff}")
        self._logic = logic
        self._awaits = is_async(logic) if awaits is None else awaits
        self._name = name
        self.backend = backend
        self.retries = retries
        self.backoff = backoff

    async def invoke(self, a: A) -> B:
        """Load the state, run the logic on ``a`` and the state, save the new state, and return
        the logic's output."""
        backend, logic = self.backend, self._logic
        attempt = 0
        while True:
            state, version = await backend.load()
            if self._awaits:
                result = await logic(a, state)
            else:
                result = logic(a, state)
                if type(result) is not tuple and awaitable_type(type(result)):
                    result = await result
            output, new_state = self._split(result)
            try:
                await backend.save(new_state, version)
            except ConflictError as conflict:
                if attempt >= self.retries:
                    raise ConflictError(
                        f"{self!r} gave up after {attempt + 1} attempts: other writers kept "
                        "saving first. Pass a larger retries= to StateFunctor, or write less "
                        "often to this state"
                    ) from conflict
                pause = min(_MAX_PAUSE, self.backoff * 2 ** min(attempt, 16))
                await asyncio.sleep(random.uniform(0, pause))
                attempt += 1
                continue
            return output  # type: ignore[no-any-return]

    def _split(self, result: Any) -> tuple[Any, Any]:
        if isinstance(result, tuple) and len(result) == 2:
            return result[0], result[1]
        raise InvalidInput(
            f"the logic of {self!r} must return an (output, new_state) pair, got "
            f"{type(result).__name__}: {result!r:.60}; nothing was saved"
        )

    @property
    def name(self) -> str:
        """``State(<logic>)``."""
        return f"State({self._name})"


Logic = Callable[[A, S], tuple[B, S]]
AsyncLogic = Callable[[A, S], Awaitable[tuple[B, S]]]


class LiftLogic(Protocol):
    """``StateFunctor.lift_logic(logic, backend=b)``: the type of the class-level form."""

    # Sync first: a coroutine is never a tuple, so async logic still reaches the second
    # overload, and mypy's message for a mistyped sync logic names the sync signature.
    @overload
    def __call__(
        self,
        logic: Logic[A, S, B],
        /,
        *,
        backend: StateBackend[S],
        retries: int = ...,
        backoff: float = ...,
    ) -> Agent[A, B]: ...
    @overload
    def __call__(
        self,
        logic: AsyncLogic[A, S, B],
        /,
        *,
        backend: StateBackend[S],
        retries: int = ...,
        backoff: float = ...,
    ) -> Agent[A, B]: ...


class BoundLiftLogic(Protocol[S]):
    """``StateFunctor(b).lift_logic(logic)``: the type of the instance form."""

    @overload
    def __call__(self, logic: Logic[A, S, B], /) -> Agent[A, B]: ...
    @overload
    def __call__(self, logic: AsyncLogic[A, S, B], /) -> Agent[A, B]: ...


class Lift(Protocol):
    """``StateFunctor.lift(agent, backend=b)``: the type of the class-level form."""

    def __call__(
        self,
        agent: Agent[tuple[A, S], tuple[B, S]],
        /,
        *,
        backend: StateBackend[S],
        retries: int = ...,
        backoff: float = ...,
    ) -> Agent[A, B]: ...


class BoundLift(Protocol[S]):
    """``StateFunctor(b).lift(agent)``: the type of the instance form."""

    def __call__(self, agent: Agent[tuple[A, S], tuple[B, S]], /) -> Agent[A, B]: ...


def _settings(
    functor: StateFunctor[Any] | None,
    backend: StateBackend[Any] | None,
    retries: int | None,
    backoff: float | None,
) -> dict[str, Any]:
    if functor is not None:
        return {"backend": functor.backend, "retries": functor.retries, "backoff": functor.backoff}
    if backend is None:
        raise InvalidInput(
            "StateFunctor.lift_logic and StateFunctor.lift need backend=...; or build "
            "StateFunctor(backend) and call the method on it"
        )
    return {
        "backend": backend,
        "retries": DEFAULT_RETRIES if retries is None else retries,
        "backoff": DEFAULT_BACKOFF if backoff is None else backoff,
    }


def _lift_logic(
    functor: StateFunctor[Any] | None,
    logic: Callable[[Any, Any], Any],
    *,
    backend: StateBackend[Any] | None = None,
    retries: int | None = None,
    backoff: float | None = None,
) -> Agent[Any, Any]:
    if not callable(logic):
        raise InvalidInput(
            f"lift_logic() needs a callable (input, state) -> (output, new_state), got "
            f"{type(logic).__name__}: {logic!r:.60}"
        )
    name = getattr(logic, "__name__", type(logic).__name__)
    return StatefulAgent(logic, name=name, **_settings(functor, backend, retries, backoff))


def _lift(
    functor: StateFunctor[Any] | None,
    agent: Agent[Any, Any],
    *,
    backend: StateBackend[Any] | None = None,
    retries: int | None = None,
    backoff: float | None = None,
) -> Agent[Any, Any]:
    if not isinstance(agent, Agent):
        raise InvalidInput(
            f"lift() takes an Agent[(input, state), (output, state)], got "
            f"{type(agent).__name__}: {agent!r:.60} (for a plain function use lift_logic)"
        )
    run = agent.invoke

    def logic(a: Any, state: Any) -> Awaitable[Any]:
        return run((a, state))

    settings = _settings(functor, backend, retries, backoff)
    return StatefulAgent(logic, name=agent.name, awaits=True, **settings)


def lift_logic(
    logic: Callable[[Any, Any], Any],
    /,
    *,
    backend: StateBackend[Any] | None = None,
    retries: int = DEFAULT_RETRIES,
    backoff: float = DEFAULT_BACKOFF,
) -> Agent[Any, Any]:
    """Lift a pure ``(input, state) -> (output, new_state)`` function, sync or async, to an
    agent ``input -> output`` whose state lives in ``backend`` (required here; or build
    ``StateFunctor(backend)`` and call ``lift_logic(logic)`` on it).

    Each invoke loads the state and its version, runs ``logic``, and saves the new state
    against that version; a logic that raises saves nothing. When another writer saved first,
    the logic re-runs on the fresh state, up to ``retries`` times, after a random pause that
    starts at ``backoff`` seconds and doubles.
    """
    return _lift_logic(None, logic, backend=backend, retries=retries, backoff=backoff)


def lift(
    agent: Agent[Any, Any],
    /,
    *,
    backend: StateBackend[Any] | None = None,
    retries: int = DEFAULT_RETRIES,
    backoff: float = DEFAULT_BACKOFF,
) -> Agent[Any, Any]:
    """Lift an ``Agent[(input, state), (output, new_state)]`` to an agent ``input -> output``
    whose state lives in ``backend`` (required here; or build ``StateFunctor(backend)`` and call
    ``lift(agent)`` on it). Loads, runs and saves as :func:`lift_logic` does."""
    return _lift(None, agent, backend=backend, retries=retries, backoff=backoff)


def _bound_lift_logic(
    functor: StateFunctor[Any], logic: Callable[[Any, Any], Any], /
) -> Agent[Any, Any]:
    """Lift a pure ``(input, state) -> (output, new_state)`` function, sync or async, to an
    agent ``input -> output`` whose state lives in this functor's backend, with its retries."""
    return _lift_logic(functor, logic)


def _bound_lift(functor: StateFunctor[Any], agent: Agent[Any, Any], /) -> Agent[Any, Any]:
    """Lift an ``Agent[(input, state), (output, new_state)]`` to an agent ``input -> output``
    whose state lives in this functor's backend, with its retries."""
    return _lift(functor, agent)


for _function, _name in [
    (lift_logic, "lift_logic"),
    (lift, "lift"),
    (_bound_lift_logic, "lift_logic"),
    (_bound_lift, "lift"),
]:
    _function.__name__ = _name
    _function.__qualname__ = f"StateFunctor.{_name}"


class _LiftLogicMethod:
    """Makes ``lift_logic`` work on the class (with ``backend=``) and on an instance."""

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> LiftLogic: ...
    @overload
    def __get__(self, instance: StateFunctor[S], owner: type[Any]) -> BoundLiftLogic[S]: ...
    def __get__(self, instance: StateFunctor[Any] | None, owner: type[Any]) -> Any:
        return lift_logic if instance is None else MethodType(_bound_lift_logic, instance)


class _LiftMethod:
    """Makes ``lift`` work on the class (with ``backend=``) and on an instance."""

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> Lift: ...
    @overload
    def __get__(self, instance: StateFunctor[S], owner: type[Any]) -> BoundLift[S]: ...
    def __get__(self, instance: StateFunctor[Any] | None, owner: type[Any]) -> Any:
        return lift if instance is None else MethodType(_bound_lift, instance)


class StateFunctor(Generic[S]):
    """Lifts logic ``(input, state) -> (output, new_state)`` to an agent ``input -> output``
    that keeps its state in a backend.

    >>> import asyncio
    >>> from dualtrack import MemoryStateBackend
    >>> def counter(msg, state):
    ...     return f"{msg} {state + 1}", state + 1
    >>> tick = StateFunctor(MemoryStateBackend(initial=0)).lift_logic(counter)
    >>> async def twice():
    ...     return [await tick.invoke("tick"), await tick.invoke("tock")]
    >>> asyncio.run(twice())
    ['tick 1', 'tock 2']
    """

    lift_logic = _LiftLogicMethod()
    """Lift a sync or async ``(input, state) -> (output, new_state)`` function."""

    lift = _LiftMethod()
    """Lift an ``Agent[(input, state), (output, new_state)]``."""

    def __init__(
        self,
        backend: StateBackend[S],
        *,
        retries: int = DEFAULT_RETRIES,
        backoff: float = DEFAULT_BACKOFF,
    ) -> None:
        self.backend = backend
        self.retries = retries
        self.backoff = backoff

    def __repr__(self) -> str:
        return f"StateFunctor({self.backend!r})"
