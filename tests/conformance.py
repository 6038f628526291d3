"""The agent-memory conformance kit one law per test, so a test run spreads the kit's laws
over its workers instead of running a whole kit on one."""

from __future__ import annotations

from hypothesis import settings

from dualtrack.memory.embedder import HashedNgramEmbedder
from laws.dgent import conformance_laws
from laws.dgent.support import StoreFactory

#: The name of every law of the kit, in the kit's order: parametrize a test over these.
LAW_NAMES = [law.name for law in conformance_laws()]


def check_law(name: str, factory: StoreFactory, *, fast: settings, stateful: settings) -> None:
    """Check the kit's law ``name`` on the stores ``factory`` makes, scores checked exactly
    against the default embedder."""
    laws = conformance_laws(embedder=HashedNgramEmbedder(), settings=fast, stateful=stateful)
    (law,) = [law for law in laws if law.name == name]
    law.check(factory)
