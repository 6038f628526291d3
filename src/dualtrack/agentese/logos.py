"""``Logos``: resolves AGENTESE paths to the two tracks and invokes their verbs.

``self.data.<verb>`` goes to agent memory, ``self.data.table.<name>.<verb>`` to the table
adapter registered under ``name``. Paths are looked up whole in a table of routes built from
:data:`~dualtrack.agentese.verbs.VERBS` and the registered names, so nothing else resolves.
"""

from __future__ import annotations

import builtins
import difflib
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from dualtrack.agentese.umwelt import Umwelt
from dualtrack.agentese.verbs import VERBS, Verb
from dualtrack.errors import InvalidArgument, PathNotFound, PermissionDenied
from dualtrack.memory.protocol import DgentProtocol

#: Where agent-memory paths start; table paths continue with ``table.<name>.``.
MEMORY_ROOT = "self.data"

#: What a table name must look like: a public identifier (no leading underscore, no dots).
TABLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")

#: How many nearest paths or keywords an error message names.
SUGGESTIONS = 3


class _Route(NamedTuple):
    store: DgentProtocol
    verb: Verb


def _nearest(wanted: str, known: builtins.list[str]) -> str:
    return ", ".join(difflib.get_close_matches(wanted, known, n=SUGGESTIONS, cutoff=0.0))


class Logos:
    """The AGENTESE resolver over agent memory and named table adapters.

    >>> import asyncio
    >>> from dualtrack.memory import MemoryDgent
    >>> logos = Logos(MemoryDgent())
    >>> scribe = Umwelt("scribe", may_write=True)
    >>> async def demo():
    ...     note = await logos.invoke("self.data.capture", scribe, content=b"hello")
    ...     return await logos.invoke("self.data.get", Umwelt("reader"), id=note.id) == note
    >>> asyncio.run(demo())
    True
    >>> asyncio.run(logos.invoke("self.data.gte", scribe, id="x"))
    Traceback (most recent call last):
    ...
    dualtrack.errors.PathNotFound: no AGENTESE path 'self.data.gte'; nearest: self.data.get, ...
    """

    def __init__(
        self, memory: DgentProtocol, tables: Mapping[str, DgentProtocol] | None = None
    ) -> None:
        self._routes: dict[str, _Route] = {}
        self._tables: set[str] = set()
        self._add(MEMORY_ROOT, memory, "memory")
        for name, adapter in (tables or {}).items():
            self.register_table(name, adapter)

    def __repr__(self) -> str:
        return f"Logos({len(self._routes)} paths)"

    def _add(self, prefix: str, store: DgentProtocol, what: str) -> None:
        if not isinstance(store, DgentProtocol):
            raise InvalidArgument(f"{what} must be a DgentProtocol store, got {store!r}")
        for verb in VERBS.values():
            self._routes[f"{prefix}.{verb.name}"] = _Route(store, verb)

    def register_table(self, name: str, adapter: DgentProtocol) -> None:
        """Route ``self.data.table.<name>.<verb>`` to ``adapter``; each name registers once."""
        if type(name) is not str or not TABLE_NAME.fullmatch(name):
            raise InvalidArgument(
                f"table name must be a public identifier (letters, digits, '_', starting with a "
                f"letter), got {name!r}"
            )
        if name in self._tables:
            raise InvalidArgument(f"table {name!r} is already registered")
        self._add(f"{MEMORY_ROOT}.table.{name}", adapter, f"table {name!r}")
        self._tables.add(name)

    def paths(self) -> builtins.list[str]:
        """Every path that resolves, sorted."""
        return sorted(self._routes)

    def _resolve(self, path: str) -> _Route:
        if type(path) is not str:
            raise InvalidArgument(f"an AGENTESE path is a str, got {path!r}")
        route = self._routes.get(path)
        if route is None:
            raise PathNotFound(
                f"no AGENTESE path {path!r}; nearest: {_nearest(path, self.paths())} "
                f"(Logos.paths() lists all {len(self._routes)})"
            )
        return route

    async def invoke(self, path: str, umwelt: Umwelt, **kwargs: Any) -> Any:
        """Call the verb ``path`` names with ``kwargs``, as ``umwelt``'s observer, and return
        what the store returns.

        Raises ``PathNotFound`` (naming the nearest paths) for a path that does not resolve,
        ``PermissionDenied`` when a read-only observer calls a write verb, and
        ``InvalidArgument`` (naming the accepted keywords) for a missing or unknown keyword.
        """
        route = self._resolve(path)
        if not isinstance(umwelt, Umwelt):
            raise InvalidArgument(f"umwelt must be an Umwelt, got {umwelt!r}")
        verb = route.verb
        if verb.writes and not umwelt.may_write:
            raise PermissionDenied(
                f"observer {umwelt.observer!r} may not call the write verb {verb.name!r} "
                f"({path}): it needs Umwelt(..., may_write=True)"
            )
        _check_keywords(path, verb, kwargs)
        return await verb.call(route.store, kwargs)


def _check_keywords(path: str, verb: Verb, given: Mapping[str, Any]) -> None:
    accepted = ", ".join(verb.accepted) or "no keywords"
    unknown = sorted(set(given) - set(verb.accepted))
    if unknown:
        raise InvalidArgument(
            f"{path} does not take {', '.join(map(repr, unknown))}; it accepts: {accepted}"
        )
    missing = [name for name in verb.required if name not in given]
    if missing:
        raise InvalidArgument(
            f"{path} needs {', '.join(map(repr, missing))}; it accepts: {accepted}"
        )
