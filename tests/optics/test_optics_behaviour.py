"""What the optics promise beyond their laws: types kept, inputs untouched, typed errors."""

from __future__ import annotations

import copy
import dataclasses
from collections import Counter, OrderedDict, defaultdict
from types import MappingProxyType
from typing import Any, NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st
from returns.maybe import Nothing, Some

from dualtrack import (
    CodecError,
    CompositionError,
    DualtrackError,
    IndexOutOfRange,
    InvalidOptic,
    MissingAttribute,
    MissingKey,
    ShapeMismatch,
    UnsupportedOperation,
    attr,
    each,
    fold,
    getter,
    index,
    item,
    json_codec,
    key,
    lens,
    setter,
)
from laws.strategies import dicts_with, nested_data, scalars, sequences_with


class Point(NamedTuple):
    x: int
    y: int


class Tagged(dict[str, Any]):
    """A dict subclass that can be rebuilt from a mapping."""


class Stubborn(dict[str, Any]):
    """A dict subclass whose constructor takes something else entirely."""

    def __init__(self, label: str, **items: Any) -> None:
        super().__init__(**items)
        self.label = label


@dataclasses.dataclass(frozen=True)
class Account:
    owner: str
    balance: int
    history: tuple[int, ...] = ()


@given(sequences_with(1), scalars)
def test_index_minus_one_sets_the_last_element_in_place(sequence: Any, value: Any) -> None:
    changed = index(-1).set(sequence, value)
    assert type(changed) is type(sequence)
    assert len(changed) == len(sequence)
    assert changed[-1] == value
    assert list(changed[:-1]) == list(sequence[:-1])


@pytest.mark.parametrize(
    "mapping",
    [
        OrderedDict(a=1, b=2),
        defaultdict(list, a=1, b=2),
        Counter(a=1, b=2),
        Tagged(a=1, b=2),
        MappingProxyType({"a": 1, "b": 2}),
    ],
)
def test_key_keeps_the_mapping_type(mapping: Any) -> None:
    changed = key("a").set(mapping, 10)
    assert type(changed) is type(mapping)
    assert changed["a"] == 10
    assert changed["b"] == 2
    assert mapping["a"] == 1


def test_defaultdict_keeps_its_factory() -> None:
    changed = key("a").set(defaultdict(list, a=[1]), [2])
    assert changed.default_factory is list


def test_a_mapping_type_that_cannot_be_rebuilt_becomes_a_plain_dict() -> None:
    changed = key("a").set(Stubborn("x", a=1), 2)
    assert changed == {"a": 2}


@pytest.mark.parametrize(
    ("sequence", "expected"),
    [
        ([1, 2, 3], [1, 2, 30]),
        ((1, 2, 3), (1, 2, 30)),
        (Point(1, 2), Point(1, 30)),
    ],
)
def test_index_keeps_the_sequence_type(sequence: Any, expected: Any) -> None:
    changed = index(-1).set(sequence, 30)
    assert changed == expected
    assert type(changed) is type(expected)


def test_each_keeps_container_types() -> None:
    assert each().modify((1, 2), str) == ("1", "2")
    assert each().modify(Point(1, 2), str) == Point("1", "2")  # type: ignore[arg-type]
    assert type(each().modify(OrderedDict(a=1), str)) is OrderedDict


@given(dicts_with(["a", "b", "c"], nested_data()), nested_data())
def test_no_operation_mutates_its_input(source: Any, value: Any) -> None:
    before = copy.deepcopy(source)
    path = key("a") >> key("b") >> key("c")
    path.set(source, value)
    path.modify(source, lambda _: value)
    (key("a") >> each()).modify(source, lambda _: value)
    assert source == before


def test_a_missing_key_names_the_whole_path_and_the_key() -> None:
    path = key("user") >> key("profile") >> key("email")
    with pytest.raises(MissingKey) as caught:
        path.get({"user": {"name": "Ada"}})
    message = str(caught.value)
    assert "'profile'" in message
    assert "key('user') >> key('profile') >> key('email')" in message
    assert "['name']" in message
    assert isinstance(caught.value, KeyError)
    assert isinstance(caught.value, DualtrackError)
    for operation in (lambda s: path.set(s, 1), lambda s: path.modify(s, str)):
        with pytest.raises(MissingKey, match="profile"):
            operation({"user": {"name": "Ada"}})


def test_a_missing_last_key_is_refused_on_set_too() -> None:
    with pytest.raises(MissingKey, match="'email'"):
        (key("user") >> key("email")).set({"user": {}}, "x")


def test_a_missing_key_inside_a_general_composition_names_the_whole_path() -> None:
    path = json_codec() >> key("tags") >> each()
    with pytest.raises(MissingKey) as caught:
        path.get_all(b'{"tag": []}')
    assert "json_codec() >> key('tags') >> each()" in str(caught.value)


@given(st.dictionaries(st.sampled_from("abc"), scalars))
def test_item_on_a_missing_key_previews_nothing_and_changes_nothing(source: Any) -> None:
    missing = {k: v for k, v in source.items() if k != "a"}
    assert item("a").preview(missing) == Nothing
    assert item("a").set(missing, 1) == missing
    assert item("a").modify(missing, str) == missing
    if "a" in source:
        assert item("a").preview(source) == Some(source["a"])


def test_attr_on_a_missing_field_lists_the_fields() -> None:
    with pytest.raises(MissingAttribute, match=r"Account has no field 'owner_id'.*owner, balance"):
        attr("owner_id").get(Account("ada", 1))
    with pytest.raises(MissingAttribute, match="owner_id"):
        attr("owner_id").set(Account("ada", 1), 2)


def test_index_out_of_range_is_typed_and_says_the_length() -> None:
    with pytest.raises(IndexOutOfRange, match="index 5 is out of range for a list of length 2"):
        (key("xs") >> index(5)).get({"xs": [1, 2]})
    with pytest.raises(IndexOutOfRange, match="index -3"):
        index(-3).set((1, 2), 0)


def test_wrong_shapes_are_typed_errors() -> None:
    with pytest.raises(ShapeMismatch, match="expected a mapping, got list"):
        key("a").set([1], 2)
    with pytest.raises(ShapeMismatch, match="expected a sequence, got dict"):
        index(0).get({"a": 1})
    with pytest.raises(ShapeMismatch, match="cannot write single elements into a str"):
        index(0).set("abc", "x")
    with pytest.raises(ShapeMismatch, match="sets have no stable order"):
        each().get_all({1, 2})


def test_bad_constructor_arguments_are_typed_errors() -> None:
    with pytest.raises(InvalidOptic, match="lens\\(\\) needs a callable get, got int"):
        lens(3, lambda s, a: s)  # type: ignore[arg-type]
    with pytest.raises(InvalidOptic, match="hashable"):
        key([1])  # type: ignore[arg-type]
    with pytest.raises(InvalidOptic, match="identifier"):
        attr("a.b")
    with pytest.raises(InvalidOptic, match="needs an int"):
        index("0")  # type: ignore[arg-type]


def test_operations_a_kind_lacks_are_refused_at_run_time() -> None:
    numbers = fold(lambda xs: xs)
    with pytest.raises(UnsupportedOperation, match="a Fold has no set"):
        numbers.set([1], 2)  # type: ignore[misc]
    with pytest.raises(UnsupportedOperation, match="a Lens has no review"):
        key("a").review(1)  # type: ignore[misc]
    with pytest.raises(CompositionError, match="cannot compose a Getter with a Setter"):
        getter(len) >> setter(lambda s, f: s)  # type: ignore[operator]


def test_codec_errors_are_typed() -> None:
    with pytest.raises(CodecError, match="json_codec could not decode"):
        json_codec().get(b"{not json")
    with pytest.raises(CodecError, match="could not encode"):
        json_codec().review(float("nan"))


def test_optics_are_immutable_and_describe_themselves() -> None:
    path = key("a") >> index(-1) >> attr("x")
    assert repr(path) == "Lens(key('a') >> index(-1) >> attr('x'))"
    assert path.kind == "Lens"
    with pytest.raises(AttributeError, match="immutable"):
        path.get = len  # type: ignore[method-assign]


@pytest.mark.parametrize(
    ("kind", "operation", "message"),
    [
        ("Affine", "get", "an Affine has no get()"),
        ("Affine", "review", "an Affine has no review()"),
        ("Lens", "review", "a Lens has no review()"),
        ("Fold", "set", "a Fold has no set()"),
    ],
)
def test_messages_name_kinds_with_the_right_article(
    kind: str, operation: str, message: str
) -> None:
    from tests.optics.optic_carrier import CARRIERS

    with pytest.raises(UnsupportedOperation) as raised:
        getattr(CARRIERS[kind], operation)(1, 2) if operation == "set" else getattr(
            CARRIERS[kind], operation
        )(1)
    assert str(raised.value).startswith(message)


def test_json_codec_reads_bytes_and_refuses_text() -> None:
    from dualtrack import ShapeMismatch

    assert json_codec().get(b'{"a":1}') == {"a": 1}
    assert json_codec().get(bytearray(b"[1]")) == [1]
    with pytest.raises(ShapeMismatch, match=r"reads bytes .* got str .*text\.encode\(\)"):
        json_codec().get('{"a":1}')  # type: ignore[arg-type]
    with pytest.raises(ShapeMismatch, match=r"in optic json_codec\(\) >> key\('a'\)"):
        (json_codec() >> key("a")).get('{"a":1}')  # type: ignore[arg-type]
    with pytest.raises(CodecError, match="could not decode"):
        json_codec().get(b"not json")
