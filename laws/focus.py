"""The law that an optic focuses what a specification says: ``get_all(s) == expected(s)``.

The kind laws say an optic is lawful, not that it reaches the part you meant: ``key("b")`` is
as lawful as ``key("a")``. Pair them with this check to pin down *which* parts it focuses::

    check_focuses(attr("title"), books, lambda book: [book.title])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dualtrack.optics import Optic
from laws.core import Equivalence, equal, holds, run


def check_focuses(
    optic: Optic[Any, Any, Any],
    sources: st.SearchStrategy[Any],
    expected: Callable[[Any], list[Any]],
    *,
    eq: Equivalence = equal,
    settings: settings | None = None,
) -> None:
    """For every generated source, the optic's foci (``get_all``; ``get`` for a Getter-only
    optic) are ``expected(source)``, in order.

    >>> from dualtrack import each, key
    >>> lines = st.lists(st.fixed_dictionaries({"qty": st.integers()}))
    >>> orders = st.fixed_dictionaries({"lines": lines})
    >>> quantities = key("lines") >> each() >> key("qty")
    >>> check_focuses(quantities, orders, lambda order: [line["qty"] for line in order["lines"]])
    """

    @given(source=sources)
    def focuses(source: Any) -> None:
        foci = optic.get_all(source) if optic.kind != "Setter" else None
        holds(
            "focuses what was asked: get_all(s) == expected(s)",
            {"source": source},
            foci,
            expected(source),
            eq,
        )

    run(focuses, settings)
