"""Conformance laws for any ``DgentProtocol`` store, as reusable hypothesis checks.

Give each check an async *factory*: called with a namespace name never used before, it returns
a fresh, empty store for that namespace (stores it makes may share one database: that is what
the isolation law tests). The checks close every store they make. To check your own store::

    from laws.dgent import check_dgent

    def test_my_store_conforms(tmp_path):
        async def fresh(namespace):
            return await SQLiteDgent.open(tmp_path / "memory.db", namespace=namespace)

        check_dgent(fresh)

The checks are plain sync functions (call them from ``def test_...``, not from a coroutine),
each running its examples on a private event loop; ``batches`` and the other strategy
arguments replace the default inputs. Each raises
:class:`~dualtrack.errors.LawViolation` naming the law, the smallest failing input and both sides.
"""

from laws.dgent.advancing import check_advance, check_concurrent_advance
from laws.dgent.checks import (
    StoreFactory,
    check_against_model,
    check_agreement,
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
from laws.dgent.indexing import CountingEmbedder, EmbeddingStoreFactory, check_lazy_indexing
from laws.dgent.inventory import (
    causal_violations,
    check_causal_scan,
    check_namespace_listing,
    check_ref_listing,
    tangles,
)
from laws.dgent.kit import Law, check_dgent, conformance_laws
from laws.dgent.racing import check_concurrent_writers

__all__ = [
    "CountingEmbedder",
    "EmbeddingStoreFactory",
    "Law",
    "StoreFactory",
    "causal_violations",
    "check_advance",
    "check_against_model",
    "check_agreement",
    "check_causal_scan",
    "check_causality",
    "check_concurrent_advance",
    "check_concurrent_refs",
    "check_concurrent_writers",
    "check_dgent",
    "check_idempotent_put",
    "check_immutability",
    "check_lazy_indexing",
    "check_listing",
    "check_namespace_isolation",
    "check_namespace_listing",
    "check_ref_compare_and_set",
    "check_ref_listing",
    "check_round_trip",
    "check_search",
    "conformance_laws",
    "tangles",
]
