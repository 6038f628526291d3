"""Every optic constructor keeps the laws of its kind on generated data."""

from __future__ import annotations

import dataclasses
import json
from collections import OrderedDict
from typing import Any, NamedTuple

import attrs
import pydantic
import pytest
from hypothesis import strategies as st

from dualtrack import attr, codec, each, filtered, identity, index, item, json_codec, key
from laws.optics import check_affine, check_iso, check_lens, check_optic, check_traversal
from laws.strategies import dicts_with, json_values, nested_data, scalars, sequences_with


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
    def __init__(self, value: int) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Plain) and other.value == self.value

    def __repr__(self) -> str:
        return f"Plain({self.value})"


ints = st.integers()


@pytest.mark.parametrize("depth", [1, 2, 3, 4, 6])
def test_key_chains_are_lenses(depth: int) -> None:
    path = [f"k{n}" for n in range(depth)]
    optic = key(path[0])
    for step in path[1:]:
        optic = optic >> key(step)
    check_lens(optic, dicts_with(path, scalars), scalars)


def test_key_works_on_any_hashable_and_mapping_type() -> None:
    check_lens(key(3), dicts_with([3], scalars), scalars)
    check_lens(key(("a", 1)), dicts_with([("a", 1)], scalars).map(OrderedDict), scalars)


def test_item_is_an_affine() -> None:
    sources = st.dictionaries(st.sampled_from("abc"), scalars)
    check_affine(item("a"), sources, scalars)
    check_affine(key("x") >> item("a"), sources.map(lambda d: {"x": d}), scalars)


@pytest.mark.parametrize("position", [0, 1, 2, -1, -2, -3])
def test_index_is_a_lens_for_positions_in_range(position: int) -> None:
    check_lens(index(position), sequences_with(3, scalars), scalars)


def test_index_on_named_tuples_and_nested_sequences() -> None:
    check_lens(index(-1), st.builds(Pair, ints, ints), ints)
    check_lens(index(0) >> index(-1), st.lists(sequences_with(1), min_size=1), scalars)


@pytest.mark.parametrize(
    ("field", "sources", "values"),
    [
        ("value", st.builds(Leaf, ints, st.text()), ints),
        ("count", st.builds(Mutable, ints, st.lists(st.text())), ints),
        ("b", st.builds(Keywords, a=ints, b=ints), ints),
        ("right", st.builds(Pair, ints, ints), ints),
        ("size", st.builds(AttrsRecord, ints, ints), ints),
        ("_secret", st.builds(AttrsRecord, ints, ints), ints),
        ("score", st.builds(PydanticRecord, score=ints, note=st.text()), ints),
        ("value", st.builds(Plain, ints), ints),
    ],
)
def test_attr_is_a_lens_on_every_record_type(field: str, sources: Any, values: Any) -> None:
    check_lens(attr(field), sources, values)


def test_attr_chains_and_mixed_paths_are_lenses() -> None:
    trees = st.builds(Tree, st.builds(Branch, st.builds(Leaf, ints, st.text())), st.text())
    check_lens(attr("branch") >> attr("leaf") >> attr("value"), trees, ints)
    mixed = key("trees") >> index(-1) >> attr("branch") >> attr("leaf")
    sources = st.lists(trees, min_size=1).map(lambda ts: {"trees": ts, "other": 1})
    check_lens(mixed, sources, st.builds(Leaf, ints, st.text()))


def test_each_is_a_traversal_over_lists_tuples_and_mappings() -> None:
    containers = st.one_of(
        st.lists(scalars),
        st.lists(scalars).map(tuple),
        st.dictionaries(st.text(max_size=4), scalars),
        st.dictionaries(st.text(max_size=4), scalars).map(OrderedDict),
    )
    check_traversal(each(), containers, scalars)
    check_traversal(each() >> each(), st.lists(st.lists(scalars)), scalars)
    records = st.lists(dicts_with(["n"], ints))
    check_traversal(each() >> key("n"), records, ints)


def test_filtered_keeps_the_laws_for_functions_that_keep_the_predicate() -> None:
    def is_even(n: int) -> bool:
        return n % 2 == 0

    evens = ints.map(lambda n: 2 * n)
    keep_even = st.functions(like=lambda n: n, returns=evens, pure=True)
    check_traversal(each() >> filtered(is_even), st.lists(ints), evens, functions=keep_even)


def test_json_codec_is_an_iso_on_canonical_json() -> None:
    def canonical(value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()

    check_iso(json_codec(), json_values().map(canonical), json_values())
    tagged = dicts_with(["tags"], st.lists(st.text()), extra=json_values()).map(canonical)
    check_lens(json_codec() >> key("tags"), tagged, st.lists(st.text()))


def test_codec_from_functions_is_an_iso() -> None:
    decimal = codec(lambda n: str(n).encode(), lambda b: int(b), name="decimal")
    check_iso(decimal, ints.map(lambda n: str(n).encode()), ints)


def test_identity_is_an_iso_on_anything() -> None:
    check_iso(identity(), nested_data(), nested_data())


def test_check_optic_dispatches_on_the_kind() -> None:
    check_optic(
        key("a") >> item("b"), dicts_with(["a"], st.dictionaries(st.sampled_from("bc"), ints)), ints
    )
