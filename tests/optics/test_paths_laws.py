"""Typed paths keep the laws of their kind on generated data, exactly as the structural
constructors do, and agree with the structural chain they compile to on every operation."""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, NamedTuple, TypedDict

import attrs
import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dualtrack import InvalidPath, MissingAttribute, Optic, attr, each, index, key, path
from dualtrack.optics.paths import every, present
from laws.optics import (
    check_affine,
    check_associativity,
    check_identity,
    check_lens,
    check_optic,
    check_traversal,
    observe,
)
from laws.strategies import pure_functions, scalars

ints = st.integers()
words = st.text(max_size=6)


@dataclasses.dataclass(frozen=True)
class Leaf:
    value: int
    label: str = "leaf"


@dataclasses.dataclass(frozen=True)
class Branch:
    leaf: Leaf
    weight: float = 1.0


@dataclasses.dataclass(frozen=True)
class Tree:
    branch: Branch
    name: str = "tree"


@dataclasses.dataclass
class Mutable:
    count: int
    tags: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Keywords:
    a: int
    b: int = 0


class Pair(NamedTuple):
    left: int
    right: int


@attrs.frozen
class AttrsRecord:
    size: int
    _secret: int = 0


class PydanticRecord(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(frozen=True)
    score: int
    note: str = ""


class Plain:
    value: int

    def __init__(self, value: int) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Plain) and other.value == self.value

    def __repr__(self) -> str:
        return f"Plain({self.value})"


class Entry(TypedDict):
    name: str
    trees: list[Tree]


@dataclasses.dataclass(frozen=True)
class Line:
    sku: str
    qty: int
    discount: Leaf | None = None


@dataclasses.dataclass(frozen=True)
class Order:
    lines: tuple[Line, ...]
    notes: Mapping[str, int]
    gift: Leaf | None = None


trees = st.builds(Tree, st.builds(Branch, st.builds(Leaf, ints, words)), words)
leaves = st.builds(Leaf, ints, words)
lines = st.builds(Line, words, ints, st.none() | leaves)
orders = st.builds(
    Order,
    st.lists(lines, max_size=4).map(tuple),
    st.dictionaries(st.sampled_from("abc"), ints, max_size=3),
    st.none() | leaves,
)


@pytest.mark.parametrize(
    ("typed", "structural", "sources", "values"),
    [
        (path(Leaf, lambda r: r.value), attr("value"), st.builds(Leaf, ints, words), ints),
        (
            path(Mutable, lambda r: r.count),
            attr("count"),
            st.builds(Mutable, ints, st.lists(words)),
            ints,
        ),
        (path(Keywords, lambda r: r.b), attr("b"), st.builds(Keywords, a=ints, b=ints), ints),
        (path(Pair, lambda r: r.right), attr("right"), st.builds(Pair, ints, ints), ints),
        (path(Pair, lambda r: r[-2]), index(-2), st.builds(Pair, ints, ints), ints),
        (
            path(AttrsRecord, lambda r: r.size),
            attr("size"),
            st.builds(AttrsRecord, ints, ints),
            ints,
        ),
        (
            path(AttrsRecord, lambda r: r._secret),
            attr("_secret"),
            st.builds(AttrsRecord, ints, ints),
            ints,
        ),
        (
            path(PydanticRecord, lambda r: r.score),
            attr("score"),
            st.builds(PydanticRecord, score=ints, note=words),
            ints,
        ),
        (path(Plain, lambda r: r.value), attr("value"), st.builds(Plain, ints), ints),
    ],
)
def test_a_field_of_every_record_type_is_a_lens(
    typed: Optic[Any, Any, Any], structural: Optic[Any, Any, Any], sources: Any, values: Any
) -> None:
    assert typed.kind == "Lens"
    assert typed._steps == structural._steps
    check_lens(typed, sources, values)


def test_nested_fields_keys_and_positions_are_lenses() -> None:
    deep = path(Tree, lambda t: t.branch.leaf.value)
    assert deep._steps == (attr("branch") >> attr("leaf") >> attr("value"))._steps
    check_lens(deep, trees, ints)
    mixed = path(Entry, lambda e: e["trees"][-1].branch.leaf)
    assert repr(mixed) == repr(key("trees") >> index(-1) >> attr("branch") >> attr("leaf"))
    entries = st.builds(Entry, name=words, trees=st.lists(trees, min_size=1))
    check_lens(mixed, entries, leaves)


@pytest.mark.parametrize("position", [0, 1, 2, -1, -2, -3])
def test_positions_are_lenses_on_lists_and_tuples(position: int) -> None:
    on_lists = path(list[int], lambda xs: xs[position])
    on_tuples = path(tuple[int, ...], lambda xs: xs[position])
    check_lens(on_lists, st.lists(ints, min_size=3, max_size=6), ints)
    check_lens(on_tuples, st.lists(ints, min_size=3, max_size=6).map(tuple), ints)


def test_mapping_keys_are_lenses_on_any_mapping_type() -> None:
    by_key = path(dict[str, int], lambda d: d["k"])
    dicts = st.dictionaries(words, ints).map(lambda d: {**d, "k": 0})
    check_lens(by_key, dicts, ints)
    check_lens(by_key, dicts.map(OrderedDict), ints)
    by_int = path(Mapping[int, str], lambda d: d[3])
    assert by_int._steps == key(3)._steps
    check_lens(by_int, st.dictionaries(ints, words).map(lambda d: {**d, 3: ""}), words)


def test_present_is_an_affine_on_optional_fields_and_missing_keys() -> None:
    gift = path(Order, lambda o: present(o.gift, lambda g: g.value))
    assert gift.kind == "Affine"
    check_affine(gift, orders, ints)
    note = path(Order, lambda o: present(o.notes.get("a")))
    assert repr(note) == "Affine(attr('notes') >> item('a') >> present())"
    check_affine(note, orders, ints)


def test_every_is_a_traversal_over_sequences_and_mappings() -> None:
    quantities = path(Order, lambda o: every(o.lines, lambda line: line.qty))
    assert repr(quantities) == repr(attr("lines") >> each() >> attr("qty"))
    check_traversal(quantities, orders, ints)
    check_traversal(path(Order, lambda o: every(o.notes)), orders, ints)
    rates = path(
        Order, lambda o: every(o.lines, lambda ln: present(ln.discount, lambda d: d.value))
    )
    assert rates.kind == "Traversal"
    check_traversal(rates, orders, ints)
    nested = path(list[list[int]], lambda xss: every(xss, lambda xs: every(xs)))
    check_traversal(nested, st.lists(st.lists(ints, max_size=3), max_size=3), ints)


def test_check_optic_finds_the_laws_of_a_typed_path_from_its_kind() -> None:
    check_optic(path(Order, lambda o: present(o.gift)), orders, leaves)


def test_composing_typed_paths_is_associative_and_identity_is_neutral() -> None:
    first = path(Order, lambda o: every(o.lines))
    second = path(Line, lambda ln: present(ln.discount))
    third = path(Leaf, lambda leaf: leaf.value)
    check_associativity(first, second, third, orders, ints)
    check_identity(first >> second >> third, orders, ints)
    check_identity(path(Tree, lambda t: t.branch.leaf), trees, leaves)


@given(tree=trees, value=ints, f=pure_functions(ints))
def test_a_typed_path_agrees_with_the_structural_chain_on_every_operation(
    tree: Tree, value: int, f: Any
) -> None:
    typed = path(Tree, lambda t: t.branch.leaf.value)
    structural = attr("branch") >> attr("leaf") >> attr("value")
    assert observe(typed, tree, value, f) == observe(structural, tree, value, f)


@given(order=orders, value=ints, f=pure_functions(ints))
def test_a_typed_traversal_agrees_with_each(order: Order, value: int, f: Any) -> None:
    typed = path(Order, lambda o: every(o.lines, lambda ln: ln.qty))
    structural = attr("lines") >> each() >> attr("qty")
    assert observe(typed, order, value, f) == observe(structural, order, value, f)


def test_a_property_is_refused_when_built_where_attr_fails_when_used() -> None:
    @dataclasses.dataclass(frozen=True)
    class Derived:
        base: int

        @property
        def doubled(self) -> int:
            return self.base * 2

    # The structural lens is accepted when built and breaks when used; the typed path is
    # refused when built, so no lens that lies is ever handed out.
    with pytest.raises(MissingAttribute, match="has no field 'doubled'"):
        attr("doubled").set(Derived(1), 4)
    with pytest.raises(InvalidPath, match=r"Derived\.doubled is a property"):
        path(Derived, lambda d: d.doubled)


def test_a_route_whose_focus_is_any_is_a_lens_on_any_value() -> None:
    check_lens(
        path(dict[str, Any], lambda d: d["x"]), st.fixed_dictionaries({"x": scalars}), scalars
    )
