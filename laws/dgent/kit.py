"""The whole conformance kit as a list of named laws, and ``check_dgent`` to run them all.

Tools that report law by law (``dualtrack laws URL``) take :func:`conformance_laws`; a test
suite calls :func:`check_dgent`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from hypothesis import settings

from dualtrack.memory import Embedder
from laws.dgent.advancing import check_advance
from laws.dgent.checks import (
    check_causality,
    check_concurrent_refs,
    check_idempotent_put,
    check_immutability,
    check_listing,
    check_namespace_isolation,
    check_ref_compare_and_set,
    check_round_trip,
    check_search,
)
from laws.dgent.inventory import check_causal_scan, check_namespace_listing, check_ref_listing
from laws.dgent.machine import check_against_model
from laws.dgent.racing import check_concurrent_writers
from laws.dgent.support import StoreFactory

__all__ = ["Law", "check_dgent", "conformance_laws"]


class Law(NamedTuple):
    """One law of the kit: its name, and ``check(factory)`` raising ``LawViolation``."""

    name: str
    check: Callable[[StoreFactory], None]


def conformance_laws(
    *,
    embedder: Embedder | None = None,
    settings: settings | None = None,
    stateful: settings | None = None,
) -> list[Law]:
    """Every law of the kit, in the order :func:`check_dgent` runs them.

    >>> [law.name for law in conformance_laws()][:3]
    ['round trip', 'idempotent put', 'immutability']
    """
    return [
        Law("round trip", lambda f: check_round_trip(f, settings=settings)),
        Law("idempotent put", lambda f: check_idempotent_put(f, settings=settings)),
        Law("immutability", lambda f: check_immutability(f, settings=settings)),
        Law("causality", lambda f: check_causality(f, settings=settings)),
        Law("listing and cursors", lambda f: check_listing(f, settings=settings)),
        Law("ref compare-and-set", lambda f: check_ref_compare_and_set(f, settings=settings)),
        Law("advance", lambda f: check_advance(f, settings=settings)),
        Law("ref listing", lambda f: check_ref_listing(f, settings=settings)),
        Law("namespace isolation", lambda f: check_namespace_isolation(f, settings=settings)),
        Law("namespace listing", lambda f: check_namespace_listing(f, settings=settings)),
        Law("causal scan", lambda f: check_causal_scan(f, settings=settings)),
        Law("search", lambda f: check_search(f, embedder=embedder, settings=settings)),
        Law("concurrent refs", lambda f: check_concurrent_refs(f, settings=settings)),
        Law("concurrent writers", lambda f: check_concurrent_writers(f, settings=settings)),
        Law("agreement with the model", lambda f: check_against_model(f, stateful or settings)),
    ]


def check_dgent(
    factory: StoreFactory,
    *,
    embedder: Embedder | None = None,
    settings: settings | None = None,
    stateful: settings | None = None,
) -> None:
    """Every law of the kit, then the stateful comparison with the model.

    ``embedder`` is the one your store uses, if you want scores checked exactly; ``stateful``
    settings tune the stateful run (steps and examples) separately.
    """
    for law in conformance_laws(embedder=embedder, settings=settings, stateful=stateful):
        law.check(factory)
