"""Datum: validation at construction, immutability, equality and hashing, JSON and JSONL forms."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dualtrack import Datum, InvalidDatum
from dualtrack.memory import Metadata
from laws.dgent.strategies import datums, forests, json_values


@given(datum=datums(("p",)))
def test_json_round_trip_is_exact(datum: Datum) -> None:
    again = Datum.from_json(datum.to_json())
    assert again == datum
    assert again.to_json() == datum.to_json()
    assert hash(again) == hash(datum)


@given(batch=forests())
def test_jsonl_round_trip_is_exact(batch: list[Datum]) -> None:
    lines = list(Datum.to_jsonl(batch))
    assert all(line.endswith("\n") and line.count("\n") == 1 for line in lines)
    assert list(Datum.from_jsonl(lines)) == batch
    assert list(Datum.from_jsonl("".join(lines).encode().splitlines())) == batch


@given(datum=datums(), value=json_values)
def test_equal_datums_hash_equal_and_changing_any_field_breaks_equality(
    datum: Datum, value: Any
) -> None:
    twin = Datum(
        id=datum.id,
        content=bytes(datum.content),
        created_at=datum.created_at,
        causal_parent=datum.causal_parent,
        metadata=dict(datum.metadata),
    )
    assert twin == datum
    assert hash(twin) == hash(datum)
    assert dataclasses.replace(datum, content=datum.content + b".") != datum
    assert dataclasses.replace(datum, created_at=datum.created_at + 1.0) != datum
    assert datum.with_metadata(extra_key_for_test=value) != datum


def test_seed_style_construction_works() -> None:
    datum = Datum(id="abc", content=b"hello", metadata={"type": "crystal", "tags": ["a"]})
    assert datum.causal_parent is None
    assert isinstance(datum.created_at, float)
    assert datum.metadata["tags"] == ["a"]
    assert datum.metadata == {"type": "crystal", "tags": ["a"]}


def test_datums_are_frozen_and_metadata_reads_are_copies() -> None:
    datum = Datum(id="a", content=b"x", created_at=1.0, metadata={"tags": ["t"]})
    with pytest.raises(dataclasses.FrozenInstanceError):
        datum.content = b"y"  # type: ignore[misc]
    datum.metadata["tags"].append("u")
    with pytest.raises(TypeError):
        datum.metadata["tags"] = []  # type: ignore[index]
    assert datum.metadata["tags"] == ["t"]
    source = {"tags": ["t"]}
    kept = Datum(id="b", content=b"", created_at=1.0, metadata=source)
    source["tags"].append("changed after")
    assert kept.metadata["tags"] == ["t"]


def test_copies_are_equal() -> None:
    datum = Datum(id="a", content=b"x", created_at=1.0, metadata={"k": [1, {"n": None}]})
    assert copy.deepcopy(datum) == datum
    assert copy.copy(datum) == datum
    assert pickle.loads(pickle.dumps(datum)) == datum


def test_metadata_equality_is_json_equality() -> None:
    assert Metadata({"n": 1}) != Metadata({"n": 1.0})
    assert Metadata({"n": 1}) != Metadata({"n": True})
    assert Metadata({"a": 1, "b": 2}) == Metadata({"b": 2, "a": 1})
    assert Metadata({"t": ("x",)}) == {"t": ["x"]}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"id": "", "content": b""}, "non-empty str"),
        ({"id": 7, "content": b""}, "non-empty str"),
        ({"id": "x" * 256, "content": b""}, "limit is 255"),
        ({"id": "a\x00b", "content": b""}, "NUL"),
        ({"id": "\ud800", "content": b""}, "surrogate"),
        ({"id": "a", "content": "text"}, "encode it first"),
        ({"id": "a", "content": 5}, "must be bytes"),
        ({"id": "a", "content": b"", "created_at": float("nan")}, "finite"),
        ({"id": "a", "content": b"", "created_at": True}, "float seconds"),
        ({"id": "a", "content": b"", "causal_parent": ""}, "causal_parent"),
        ({"id": "a", "content": b"", "metadata": {"k": {1, 2}}}, "JSON values"),
        ({"id": "a", "content": b"", "metadata": {"k": b"raw"}}, "JSON values"),
        ({"id": "a", "content": b"", "metadata": {1: "int key"}}, "must be str"),
        ({"id": "a", "content": b"", "metadata": {"k": float("inf")}}, "no NaN or infinity"),
        ({"id": "a", "content": b"", "metadata": ["not", "a", "mapping"]}, "mapping"),
    ],
)
def test_invalid_fields_are_refused_with_a_message_saying_what_to_do(
    fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidDatum, match=message):
        Datum(**fields)


def test_content_may_be_any_bytes_like_and_is_stored_as_bytes() -> None:
    assert Datum(id="a", content=bytearray(b"xy"), created_at=0.0).content == b"xy"
    assert type(Datum(id="a", content=memoryview(b"xy"), created_at=0.0).content) is bytes


def test_create_makes_uuid_or_content_hash_ids() -> None:
    first, second = Datum.create(b"same"), Datum.create(b"same")
    assert first.id != second.id
    assert len(first.id) == 32
    assert int(first.id, 16) >= 0
    addressed = Datum.create(b"same", content_addressed=True)
    assert addressed.id == hashlib.sha256(b"same").hexdigest()


def test_derive_links_the_child_to_its_parent() -> None:
    parent = Datum.create(b"p", metadata={"kind": "note"})
    child = parent.derive(b"c")
    assert child.causal_parent == parent.id
    assert child.metadata == parent.metadata
    assert parent.derive(b"c", metadata={}).metadata == {}


def test_with_metadata_keeps_the_id_and_merges() -> None:
    datum = Datum(id="a", content=b"", created_at=0.0, metadata={"x": 1})
    updated = datum.with_metadata({"y": 2}, z=3)
    assert updated.id == "a"
    assert updated.metadata == {"x": 1, "y": 2, "z": 3}


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"id":"a"}',
        '{"id":"a","content":"!!","created_at":1.0,"causal_parent":null,"metadata":{}}',
        '{"id":"a","content":"aGk=","created_at":"1","causal_parent":null,"metadata":{}}',
        '{"id":"a","content":"aGk=","created_at":1.0,"causal_parent":null,"metadata":[]}',
        '{"id":"a","content":"aGk=","created_at":1.0,"causal_parent":null,"metadata":{},"x":1}',
        '{"id":"a","content":5,"created_at":1.0,"causal_parent":null,"metadata":{}}',
    ],
)
def test_malformed_json_is_refused(text: str) -> None:
    with pytest.raises(InvalidDatum):
        Datum.from_json(text)


def test_a_bad_jsonl_line_is_named() -> None:
    good = Datum(id="a", content=b"", created_at=0.0).to_json()
    with pytest.raises(InvalidDatum, match="line 3"):
        list(Datum.from_jsonl([good, "", "oops"]))


def test_negative_zero_time_is_normalised() -> None:
    assert (
        Datum(id="a", content=b"", created_at=-0.0).to_json()
        == Datum(id="a", content=b"", created_at=0.0).to_json()
    )


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_any_finite_time_round_trips(seconds: float) -> None:
    datum = Datum(id="t", content=b"", created_at=seconds)
    assert Datum.from_json(datum.to_json()).created_at == seconds


#: Scalars on both sides of every rule the one-pass check applies: wide ints, non-finite
#: floats, lone surrogates, str subclasses, and types JSON lacks.
edge_scalars = st.one_of(
    json_values,
    st.sampled_from([1 << 12_999, -(1 << 12_999) + 1, 1 << 13_000, -(1 << 13_000)]),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), -0.0, True, False]),
    st.text(alphabet="aé\ud800\udfff", max_size=3),
    st.builds(type("Text", (str,), {}), st.text(max_size=3)),
    st.sampled_from([b"x", {1, 2}, 1j]),
)
edge_keys = st.one_of(
    st.text(max_size=8),
    st.text(alphabet="aé\ud800\udfff", max_size=3),
    st.builds(type("Key", (str,), {}), st.text(max_size=3)),
    st.integers(0, 3),
)


@given(values=st.dictionaries(edge_keys, edge_scalars, max_size=4))
def test_the_one_pass_check_agrees_with_the_full_check(values: dict[Any, Any]) -> None:
    from dualtrack.memory.metadata import metadata_of, plain_json

    try:
        expected = plain_json(values)
    except InvalidDatum:
        with pytest.raises(InvalidDatum):
            metadata_of(values)
        return
    made = metadata_of(values)
    assert made.to_dict() == expected
    assert made.to_json() == Metadata(values).to_json()
    values.clear()  # the caller's dict is copied, not kept
    assert made.to_dict() == expected


@given(values=st.dictionaries(st.text(max_size=8), json_values, max_size=4))
def test_fast_paths_build_the_metadata_the_full_check_builds(values: dict[str, Any]) -> None:
    from dualtrack.memory.metadata import canonical_json, metadata_of, plain_json

    fast = metadata_of(values)
    assert fast.to_dict() == plain_json(values)
    assert fast.to_json() == json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    assert fast.to_json() == Metadata.from_json(fast.to_json()).to_json()
    assert fast.canonical_items() == [(k, canonical_json(v)) for k, v in plain_json(values).items()]


@given(
    id_=st.text(min_size=1, max_size=12).filter(lambda t: "\x00" not in t),
    seconds=st.floats(allow_nan=False, allow_infinity=False),
)
def test_the_fast_constructor_keeps_every_rule(id_: str, seconds: float) -> None:
    made = Datum(id_, b"x", seconds, None, {})
    assert (made.id, made.created_at, made.metadata) == (id_, seconds + 0.0, {})
    assert made.metadata is Datum(id_ + "2", b"y", seconds).metadata  # one shared empty


@pytest.mark.parametrize(
    "bad",
    [
        {"created_at": float("nan")},
        {"created_at": float("inf")},
        {"created_at": True},
        {"id": "a\x00b"},
        {"id": "x" * 256},
        {"id": "\ud800"},
        {"causal_parent": ""},
        {"content": "text"},
        {"metadata": {"k": float("nan")}},
        {"metadata": {"k": "\udc00"}},
        {"metadata": {1: "v"}},
    ],
)
def test_the_fast_constructor_refuses_what_the_checks_refuse(bad: dict[str, Any]) -> None:
    fields: dict[str, Any] = {"id": "a", "content": b"x", "created_at": 1.0, **bad}
    with pytest.raises(InvalidDatum):
        Datum(**fields)
