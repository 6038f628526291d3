"""The fixed table of AGENTESE verbs: what each calls on a store, its keywords, read or write.

A verb is looked up in :data:`VERBS` by name, never as an attribute of the store, so a path can
reach only what is listed here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from dualtrack.memory.datum import Datum
from dualtrack.memory.protocol import DgentProtocol

Call = Callable[[DgentProtocol, Mapping[str, Any]], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class Verb:
    """One verb: whether it writes, the keywords it needs and may take, and what it calls."""

    name: str
    writes: bool
    required: tuple[str, ...]
    optional: tuple[str, ...]
    call: Call

    @property
    def accepted(self) -> tuple[str, ...]:
        """Every keyword the verb takes, required ones first."""
        return self.required + self.optional


async def _capture(store: DgentProtocol, given: Mapping[str, Any]) -> Datum:
    return await store.put(Datum.create(given["content"], metadata=given.get("metadata")))


def _verbs(*verbs: Verb) -> Mapping[str, Verb]:
    return MappingProxyType({verb.name: verb for verb in verbs})


#: Every verb a path may end in, by name (read-only mapping).
VERBS: Mapping[str, Verb] = _verbs(
    Verb("get", False, ("id",), (), lambda store, given: store.get(given["id"])),
    Verb(
        "list",
        False,
        (),
        ("limit", "prefix", "metadata", "cursor"),
        lambda store, given: store.list(**given),
    ),
    Verb("search", False, ("text",), ("limit",), lambda store, given: store.search(**given)),
    Verb("chain", False, ("id",), (), lambda store, given: store.causal_chain(given["id"])),
    Verb("children", False, ("id",), (), lambda store, given: store.children(given["id"])),
    Verb("count", False, (), (), lambda store, given: store.count()),
    Verb("exists", False, ("id",), (), lambda store, given: store.exists(given["id"])),
    Verb("put", True, ("datum",), (), lambda store, given: store.put(given["datum"])),
    Verb("capture", True, ("content",), ("metadata",), _capture),
)
