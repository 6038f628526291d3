"""Services by name: register a factory, bootstrap at startup, get anywhere, inject in tests.

``get_service(name)`` returns the injected service, else the one its factory made, running the
factory on first use. Concurrent first uses share one run: each name has an
:class:`asyncio.Lock` (no thread lock is ever held across an ``await``), and a factory that
fails leaves nothing behind, so the next call runs it again. The registry belongs to one event
loop at a time: its locks are made afresh in a new loop, and :func:`reset_services` forgets
every service (without closing them: close what you made) and every registration but the
defaults. ``brain_persistence`` is registered by default:
:meth:`BrainPersistence.open <dualtrack.services.brain.BrainPersistence.open>`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeAlias

from dualtrack.errors import InvalidArgument, UnknownService
from dualtrack.services.brain import BrainPersistence

#: An async callable that makes a service.
Factory: TypeAlias = Callable[[], Awaitable[Any]]


async def _open_brain() -> BrainPersistence:
    return await BrainPersistence.open()


#: The factories every fresh registry starts with.
DEFAULT_FACTORIES: dict[str, Factory] = {"brain_persistence": _open_brain}


class ServiceRegistry:
    """Factories and the services they made, by name; see the module docstring."""

    def __init__(self) -> None:
        self._factories: dict[str, Factory] = dict(DEFAULT_FACTORIES)
        self._services: dict[str, Any] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    def register(self, name: str, factory: Factory) -> None:
        """Make ``name`` come from ``factory`` (replacing an earlier factory for it)."""
        _check_name(name)
        if not callable(factory):
            raise InvalidArgument(f"a factory must be an async callable, got {factory!r}")
        self._factories[name] = factory

    def inject(self, name: str, service: Any) -> None:
        """Make ``name`` return ``service`` from now on, whatever its factory would make."""
        _check_name(name)
        self._services[name] = service

    async def get(self, name: str) -> Any:
        """The service ``name``, made by its factory on first use (once, however many ask)."""
        if name in self._services:
            return self._services[name]
        factory = self._factories.get(name)
        if factory is None:
            raise UnknownService(
                f"no service {name!r}; registered: {sorted(self._factories)}, "
                f"injected: {sorted(self._services)}. Register a factory with register_service"
            )
        async with self._lock(name):
            if name not in self._services:
                made = await factory()
                # An injection that arrived while the factory ran still wins.
                self._services.setdefault(name, made)
            return self._services[name]

    async def bootstrap(self) -> None:
        """Make every registered service that is not made or injected yet."""
        for name in list(self._factories):
            await self.get(name)

    def reset(self) -> None:
        """Forget every service, injection and lock, and every factory but the defaults."""
        self._factories = dict(DEFAULT_FACTORIES)
        self._services.clear()
        self._locks.clear()
        self._loop = None

    def _lock(self, name: str) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._locks.clear()
            self._loop = loop
        return self._locks.setdefault(name, asyncio.Lock())


def _check_name(name: object) -> None:
    if type(name) is not str or not name:
        raise InvalidArgument(f"a service name must be a non-empty str, got {name!r}")


#: The process-wide registry the functions below use.
REGISTRY = ServiceRegistry()


async def bootstrap_services() -> None:
    """At startup: make every registered service (migrating the database for the Brain)."""
    await REGISTRY.bootstrap()


async def get_service(name: str) -> Any:
    """The service ``name``; raises :class:`UnknownService` naming the known ones."""
    return await REGISTRY.get(name)


def inject_service(name: str, service: Any) -> None:
    """Use ``service`` for ``name`` (before or after bootstrap; it wins over the factory)."""
    REGISTRY.inject(name, service)


def register_service(name: str, factory: Factory) -> None:
    """Make ``name`` come from the async callable ``factory``, run on first use."""
    REGISTRY.register(name, factory)


def reset_services() -> None:
    """Forget every service and injection, and every factory but the defaults (for tests)."""
    REGISTRY.reset()
