"""The laws of every optic kind, and of composing optics, as reusable hypothesis checks.

Each ``check_*`` function takes your optic and strategies for sources (wholes) and values
(parts), and raises :class:`~dualtrack.errors.LawViolation` naming the law, the smallest input
hypothesis found, and both sides. Call them from ordinary test functions::

    def test_name_lens():
        check_lens(attr("name"), sources=st.builds(Person), values=st.text())

``check_optic`` picks the laws from the optic's kind. Functions for ``modify`` are generated
as pure functions returning values from ``values``, unless you pass ``functions``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from returns.maybe import Nothing, Some

from dualtrack.errors import CompositionError
from dualtrack.optics import Optic, identity
from laws.core import Equivalence, equal, holds, run
from laws.strategies import pure_functions

AnyOptic = Optic[Any, Any, Any]
Functions = st.SearchStrategy[Callable[[Any], Any]]


def _functions(values: st.SearchStrategy[Any], functions: Functions | None) -> Functions:
    if functions is not None:
        return functions
    return pure_functions(values)


def _constant(value: Any) -> Callable[[Any], Any]:
    return lambda _: value


def lens_laws(optic: AnyOptic, source: Any, a: Any, b: Any, eq: Equivalence = equal) -> None:
    """GetPut, PutGet, PutPut, and set equals modify with a constant, on one input.

    Each law that fails reports only the inputs it uses.
    """
    holds(
        "GetPut: set(s, get(s)) == s",
        {"source": source},
        optic.set(source, optic.get(source)),
        source,
        eq,
    )
    holds(
        "PutGet: get(set(s, a)) == a",
        {"source": source, "a": a},
        optic.get(optic.set(source, a)),
        a,
        eq,
    )
    _put_put(optic, source, a, b, eq)
    _set_is_modify_constant(optic, source, a, eq)


def _put_put(optic: AnyOptic, source: Any, a: Any, b: Any, eq: Equivalence) -> None:
    holds(
        "PutPut: set(set(s, a), b) == set(s, b)",
        {"source": source, "a": a, "b": b},
        optic.set(optic.set(source, a), b),
        optic.set(source, b),
        eq,
    )


def _set_is_modify_constant(optic: AnyOptic, source: Any, a: Any, eq: Equivalence) -> None:
    holds(
        "set(s, a) == modify(s, lambda _: a)",
        {"source": source, "a": a},
        optic.set(source, a),
        optic.modify(source, _constant(a)),
        eq,
    )


def affine_laws(optic: AnyOptic, source: Any, a: Any, b: Any, eq: Equivalence = equal) -> None:
    """The partial forms of GetPut, PutGet and PutPut for a focus that may be absent."""
    focus = optic.preview(source)
    with_a = {"source": source, "a": a}
    if focus != Nothing:
        holds(
            "GetPut: preview(s) == Some(x) implies set(s, x) == s",
            {"source": source},
            optic.set(source, focus.unwrap()),
            source,
            eq,
        )
        holds(
            "PutGet: preview(set(s, a)) == Some(a)",
            with_a,
            optic.preview(optic.set(source, a)),
            Some(a),
            eq,
        )
    else:
        holds("no focus: set(s, a) == s", with_a, optic.set(source, a), source, eq)
        holds(
            "no focus: preview(set(s, a)) == Nothing",
            with_a,
            optic.preview(optic.set(source, a)),
            Nothing,
            eq,
        )
    _put_put(optic, source, a, b, eq)
    _set_is_modify_constant(optic, source, a, eq)


def prism_laws(optic: AnyOptic, source: Any, a: Any, eq: Equivalence = equal) -> None:
    """Both partial round trips: ``preview(review(a)) == Some(a)`` and back."""
    holds(
        "ReviewPreview: preview(review(a)) == Some(a)",
        {"a": a},
        optic.preview(optic.review(a)),
        Some(a),
        eq,
    )
    focus = optic.preview(source)
    if focus != Nothing:
        holds(
            "PreviewReview: preview(s) == Some(x) implies review(x) == s",
            {"source": source},
            optic.review(focus.unwrap()),
            source,
            eq,
        )


def iso_laws(optic: AnyOptic, source: Any, a: Any, eq: Equivalence = equal) -> None:
    """Both round trips: ``review(get(s)) == s`` and ``get(review(a)) == a``."""
    holds("review(get(s)) == s", {"source": source}, optic.review(optic.get(source)), source, eq)
    holds("get(review(a)) == a", {"a": a}, optic.get(optic.review(a)), a, eq)


def setter_laws(
    optic: AnyOptic,
    source: Any,
    a: Any,
    b: Any,
    f: Callable[[Any], Any],
    g: Callable[[Any], Any],
    eq: Equivalence = equal,
) -> None:
    """modify preserves identity and composition; set is modify with a constant; PutPut."""
    holds("modify(s, id) == s", {"source": source}, optic.modify(source, lambda x: x), source, eq)
    holds(
        "modify(modify(s, g), f) == modify(s, f . g)",
        {"source": source, "f": f, "g": g},
        optic.modify(optic.modify(source, g), f),
        optic.modify(source, lambda x: f(g(x))),
        eq,
    )
    _put_put(optic, source, a, b, eq)
    _set_is_modify_constant(optic, source, a, eq)


def traversal_laws(
    optic: AnyOptic,
    source: Any,
    a: Any,
    b: Any,
    f: Callable[[Any], Any],
    g: Callable[[Any], Any],
    eq: Equivalence = equal,
) -> None:
    """The setter laws, plus: what modify writes is what get_all then reads, in order."""
    setter_laws(optic, source, a, b, f, g, eq)
    holds(
        "get_all(modify(s, f)) == [f(x) for x in get_all(s)]",
        {"source": source, "f": f},
        optic.get_all(optic.modify(source, f)),
        [f(x) for x in optic.get_all(source)],
        eq,
    )


def fold_laws(optic: AnyOptic, source: Any, eq: Equivalence = equal) -> None:
    """``preview`` is the first of ``get_all``, or ``Nothing``."""
    foci = optic.get_all(source)
    holds(
        "preview(s) == first of get_all(s)",
        {"source": source},
        optic.preview(source),
        Some(foci[0]) if foci else Nothing,
        eq,
    )


def getter_laws(optic: AnyOptic, source: Any, eq: Equivalence = equal) -> None:
    """A getter has exactly one focus: ``get_all(s) == [get(s)]``."""
    holds(
        "get_all(s) == [get(s)]", {"source": source}, optic.get_all(source), [optic.get(source)], eq
    )
    fold_laws(optic, source, eq)


def laws_of_kind(
    optic: AnyOptic,
    source: Any,
    a: Any,
    b: Any,
    f: Callable[[Any], Any],
    g: Callable[[Any], Any],
    eq: Equivalence = equal,
) -> None:
    """Every law that ``optic``'s kind promises, on one input."""
    kind = optic.kind
    if kind == "Iso":
        iso_laws(optic, source, a, eq)
    if kind in {"Iso", "Prism"}:
        prism_laws(optic, source, a, eq)
    if kind in {"Iso", "Lens"}:
        lens_laws(optic, source, a, b, eq)
    if kind in {"Iso", "Lens", "Prism", "Affine"}:
        affine_laws(optic, source, a, b, eq)
    if kind in {"Iso", "Lens", "Prism", "Affine", "Traversal"}:
        traversal_laws(optic, source, a, b, f, g, eq)
    if kind == "Setter":
        setter_laws(optic, source, a, b, f, g, eq)
    if kind in {"Iso", "Lens", "Getter"}:
        getter_laws(optic, source, eq)
    elif kind != "Setter":
        fold_laws(optic, source, eq)


def check_optic(
    optic: AnyOptic,
    sources: st.SearchStrategy[Any],
    values: st.SearchStrategy[Any],
    *,
    functions: Functions | None = None,
    eq: Equivalence = equal,
    settings: settings | None = None,
) -> None:
    """Check every law of ``optic``'s kind on generated sources, values and functions."""
    fs = _functions(values, functions)

    @given(source=sources, a=values, b=values, f=fs, g=fs)
    def optic_laws(source: Any, a: Any, b: Any, f: Any, g: Any) -> None:
        laws_of_kind(optic, source, a, b, f, g, eq)

    run(optic_laws, settings)


def _check_kind(expected: set[str], optic: AnyOptic) -> None:
    if optic.kind not in expected:
        raise TypeError(f"expected an optic of kind {' or '.join(sorted(expected))}, got {optic!r}")


def check_lens(
    optic: AnyOptic,
    sources: st.SearchStrategy[Any],
    values: st.SearchStrategy[Any],
    *,
    eq: Equivalence = equal,
    settings: settings | None = None,
) -> None:
    """GetPut, PutGet, PutPut and set-as-modify for a lens (or an iso used as one)."""
    _check_kind({"Lens", "Iso"}, optic)
    check_optic(optic, sources, values, eq=eq, settings=settings)


def check_prism(
    optic: AnyOptic,
    sources: st.SearchStrategy[Any],
    values: st.SearchStrategy[Any],
    *,
    eq: Equivalence = equal,
    settings: settings | None = None,
) -> None:
    """Both partial round trips of a prism, and its affine laws."""
    _check_kind({"Prism", "Iso"}, optic)
    check_optic(optic, sources, values, eq=eq, settings=settings)


def check_affine(
    optic: AnyOptic,
    sources: st.SearchStrategy[Any],
    values: st.SearchStrategy[Any],
    *,
    eq: Equivalence = equal,
    settings: settings | None = None,
) -> None:
    """Partial GetPut, PutGet and PutPut for a focus that may be missing."""
    _check_kind({"Affine", "Prism", "Lens", "Iso"}, optic)
    check_optic(optic, sources, values, eq=eq, settings=settings)


def check_iso(
    optic: AnyOptic,
    sources: st.SearchStrategy[Any],
    values: st.SearchStrategy[Any],
    *,
    eq: Equivalence = equal,
    settings: settings | None = None,
) -> None:
    """Both round trips of an iso, and the lens and prism laws it implies."""
    _check_kind({"Iso"}, optic)
    check_optic(optic, sources, values, eq=eq, settings=settings)


def check_traversal(
    optic: AnyOptic,
    sources: st.SearchStrategy[Any],
    values: st.SearchStrategy[Any],
    *,
    functions: Functions | None = None,
    eq: Equivalence = equal,
    settings: settings | None = None,
) -> None:
    """modify keeps identity and composition, and agrees with get_all."""
    _check_kind({"Traversal", "Affine", "Prism", "Lens", "Iso"}, optic)
    check_optic(optic, sources, values, functions=functions, eq=eq, settings=settings)


def check_getter(
    optic: AnyOptic, sources: st.SearchStrategy[Any], *, settings: settings | None = None
) -> None:
    """A getter reads exactly one focus, and its fold view agrees."""
    _check_kind({"Getter", "Lens", "Iso"}, optic)
    _reads(optic, sources, settings)


def check_fold(
    optic: AnyOptic, sources: st.SearchStrategy[Any], *, settings: settings | None = None
) -> None:
    """A fold's preview is the first of its foci."""
    _check_kind({"Fold", "Getter", "Traversal", "Affine", "Prism", "Lens", "Iso"}, optic)
    _reads(optic, sources, settings)


def _reads(optic: AnyOptic, sources: st.SearchStrategy[Any], custom: settings | None) -> None:
    @given(source=sources)
    def read_laws(source: Any) -> None:
        if optic.kind in {"Iso", "Lens", "Getter"}:
            getter_laws(optic, source)
        else:
            fold_laws(optic, source)

    run(read_laws, custom)


def check_setter(
    optic: AnyOptic,
    sources: st.SearchStrategy[Any],
    values: st.SearchStrategy[Any],
    *,
    functions: Functions | None = None,
    eq: Equivalence = equal,
    settings: settings | None = None,
) -> None:
    """modify keeps identity and composition; set is modify with a constant; PutPut."""
    fs = _functions(values, functions)

    @given(source=sources, a=values, b=values, f=fs, g=fs)
    def setter_law(source: Any, a: Any, b: Any, f: Any, g: Any) -> None:
        setter_laws(optic, source, a, b, f, g, eq)

    run(setter_law, settings)


def observe(optic: AnyOptic, source: Any, a: Any, f: Callable[[Any], Any]) -> dict[str, Any]:
    """What each operation of ``optic``'s kind returns on one input: two optics that agree on
    every observation behave the same."""
    kind = optic.kind
    seen: dict[str, Any] = {"kind": kind}
    if kind in {"Iso", "Lens", "Getter"}:
        seen["get"] = optic.get(source)
    if kind != "Setter":
        seen["get_all"] = optic.get_all(source)
        seen["preview"] = optic.preview(source)
    if kind in {"Iso", "Lens", "Prism", "Affine", "Traversal", "Setter"}:
        seen["set"] = optic.set(source, a)
        seen["modify"] = optic.modify(source, f)
    if kind in {"Iso", "Prism"}:
        seen["review"] = optic.review(a)
    return seen


def check_associativity(
    first: AnyOptic,
    second: AnyOptic,
    third: AnyOptic,
    sources: st.SearchStrategy[Any],
    values: st.SearchStrategy[Any],
    *,
    functions: Functions | None = None,
    eq: Equivalence = equal,
    settings: settings | None = None,
) -> None:
    """``(f >> g) >> h`` and ``f >> (g >> h)`` have one kind and agree on every operation.

    When the three cannot be composed, both groupings must refuse with ``CompositionError``.
    """
    try:
        left_grouped = (first >> second) >> third
    except CompositionError:
        left_grouped = None
    try:
        right_grouped = first >> (second >> third)
    except CompositionError:
        right_grouped = None
    if left_grouped is None or right_grouped is None:
        holds(
            "(f >> g) >> h composes exactly when f >> (g >> h) does",
            {"optics": (first, second, third)},
            left_grouped,
            right_grouped,
            lambda x, y: x is None and y is None,
        )
        return
    fs = _functions(values, functions)

    @given(source=sources, a=values, f=fs)
    def associativity(source: Any, a: Any, f: Any) -> None:
        holds(
            "(f >> g) >> h == f >> (g >> h)",
            {"optics": (first, second, third), "source": source, "a": a},
            observe(left_grouped, source, a, f),
            observe(right_grouped, source, a, f),
            eq,
        )

    run(associativity, settings)


def check_identity(
    optic: AnyOptic,
    sources: st.SearchStrategy[Any],
    values: st.SearchStrategy[Any],
    *,
    functions: Functions | None = None,
    eq: Equivalence = equal,
    settings: settings | None = None,
) -> None:
    """``identity() >> o`` and ``o >> identity()`` behave exactly as ``o``."""
    fs = _functions(values, functions)
    neutral: Optic[Any, Any, Any] = identity()
    before, after = neutral >> optic, optic >> neutral

    @given(source=sources, a=values, f=fs)
    def neutrality(source: Any, a: Any, f: Any) -> None:
        expected = observe(optic, source, a, f)
        given_ = {"optic": optic, "source": source, "a": a}
        holds("identity() >> o == o", given_, observe(before, source, a, f), expected, eq)
        holds("o >> identity() == o", given_, observe(after, source, a, f), expected, eq)

    run(neutrality, settings)
