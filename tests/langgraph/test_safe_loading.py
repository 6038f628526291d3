"""A crafted checkpoint naming a function is refused with a typed error, and nothing runs."""

from __future__ import annotations

import pytest

pytest.importorskip("langgraph.checkpoint.serde.jsonplus")

import ormsgpack
from langgraph.checkpoint.serde import jsonplus

from dualtrack.errors import DualtrackError, UnsafeCheckpoint
from dualtrack.integrations.langgraph.serde import SafeSerializer

CALLED: list[str] = []


def planted(argument: str) -> str:
    """The function a crafted blob names; it must never be called."""
    CALLED.append(argument)
    return argument


def _crafted() -> bytes:
    payload = ormsgpack.packb([__name__, "planted", "boom"])
    return ormsgpack.packb({"value": ormsgpack.Ext(jsonplus.EXT_CONSTRUCTOR_SINGLE_ARG, payload)})


def test_the_default_serializer_calls_what_the_blob_names() -> None:
    CALLED.clear()
    jsonplus.JsonPlusSerializer(allowed_msgpack_modules=True).loads_typed(("msgpack", _crafted()))
    assert CALLED == ["boom"]


def test_the_saver_serializer_refuses_it_and_calls_nothing() -> None:
    CALLED.clear()
    with pytest.raises(UnsafeCheckpoint) as refused:
        SafeSerializer().loads_typed(("msgpack", _crafted()))
    assert isinstance(refused.value, DualtrackError)
    assert CALLED == []


def test_pickle_is_refused() -> None:
    with pytest.raises(UnsafeCheckpoint):
        SafeSerializer().loads_typed(("pickle", b"\x80\x04N."))


@pytest.mark.parametrize(
    "value",
    [None, 1, 1.5, "text", b"raw", [1, "a"], {"k": {"n": [1, 2]}}, {1, 2}],
)
def test_plain_values_round_trip(value: object) -> None:
    serde = SafeSerializer()
    assert serde.loads_typed(serde.dumps_typed(value)) == value


def test_tuples_come_back_as_lists() -> None:
    serde = SafeSerializer()
    assert serde.loads_typed(serde.dumps_typed((1, 2))) == [1, 2]
