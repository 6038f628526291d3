"""Typed paths at run time: the optic a route records, what it does on data, and the cache that
makes building the same path again cheap without ever handing out a path recorded from other
values."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping, Sequence
from types import SimpleNamespace
from typing import Any, Generic, TypedDict, TypeVar

import pytest
from returns.maybe import Nothing, Some

from dualtrack import (
    IndexOutOfRange,
    InvalidPath,
    MissingKey,
    Optic,
    ShapeMismatch,
    attr,
    each,
    every,
    identity,
    index,
    item,
    key,
    path,
    present,
)
from dualtrack.optics.paths import build

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Address:
    street: str
    city: str


@dataclasses.dataclass(frozen=True)
class Person:
    name: str
    address: Address
    home: Address | None = None
    scores: dict[str, int] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Box(Generic[T]):
    item: T


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Book(TypedDict):
    title: str
    prices: dict[Color, float]


ADA = Person("Ada", Address("12 Marylebone", "London"), None, {"math": 10})


def test_a_route_of_fields_is_the_fused_structural_lens() -> None:
    city = path(Person, lambda p: p.address.city)
    structural = attr("address") >> attr("city")
    assert city.kind == "Lens"
    assert city._steps == structural._steps
    assert repr(city) == repr(structural) == "Lens(attr('address') >> attr('city'))"
    assert city.get(ADA) == "London"
    assert city.set(ADA, "Paris") == dataclasses.replace(
        ADA, address=Address("12 Marylebone", "Paris")
    )
    assert ADA.address.city == "London"


def test_a_typed_path_runs_the_very_code_of_the_structural_chain() -> None:
    typed = path(dict[str, Person], lambda d: d["ada"].address.city)
    structural = key("ada") >> attr("address") >> attr("city")
    people = {"ada": ADA}
    assert typed.get(people) == structural.get(people) == "London"
    compiled, expected = typed._ops(), structural._ops()
    for operation in ("get", "set", "modify"):
        assert compiled[operation].__code__ is expected[operation].__code__, operation


def test_keys_positions_and_fields_mix_as_in_the_structural_chain() -> None:
    shelf = {"books": [Book(title="SICP", prices={Color.RED: 1.0})]}
    title = path(dict[str, list[Book]], lambda s: s["books"][-1]["title"])
    assert title._steps == (key("books") >> index(-1) >> key("title"))._steps
    assert title.get(shelf) == "SICP"
    assert title.set(shelf, "HtDP") == {"books": [{"title": "HtDP", "prices": {Color.RED: 1.0}}]}
    price = path(Book, lambda b: b["prices"][Color.RED])
    assert price._steps == (key("prices") >> key(Color.RED))._steps


def test_failures_name_the_whole_path_as_the_structural_chain_does() -> None:
    last = path(dict[str, list[int]], lambda d: d["xs"][-1])
    with pytest.raises(IndexOutOfRange, match=r"\(in optic key\('xs'\) >> index\(-1\)\)"):
        last.get({"xs": []})
    with pytest.raises(MissingKey, match="key 'xs' not found"):
        last.get({})
    with pytest.raises(ShapeMismatch, match="expected a sequence"):
        last.set({"xs": {"a": 1}}, 2)


def test_an_int_subscript_follows_the_declared_container() -> None:
    by_id = path(Mapping[int, str], lambda m: m[0])
    at = path(Sequence[str], lambda s: s[0])
    untyped = path(dict[str, Any], lambda d: d["xs"][0])
    assert by_id._steps == key(0)._steps
    assert at._steps == index(0)._steps
    assert untyped._steps == (key("xs") >> index(0))._steps
    assert by_id.set({0: "a", 1: "b"}, "z") == {0: "z", 1: "b"}


def test_present_and_every_make_affines_and_traversals() -> None:
    home_city = path(Person, lambda p: present(p.home, lambda h: h.city))
    assert home_city.kind == "Affine"
    assert home_city.preview(ADA) == Nothing
    assert home_city.set(ADA, "Paris") == ADA
    housed = dataclasses.replace(ADA, home=Address("1 Row", "Leeds"))
    assert home_city.preview(housed) == Some("Leeds")
    assert home_city.set(housed, "York").home == Address("1 Row", "York")
    math = path(Person, lambda p: present(p.scores.get("math")))
    assert repr(math) == "Affine(attr('scores') >> item('math') >> present())"
    assert math.modify(ADA, lambda n: n + 1).scores == {"math": 11}
    assert path(Person, lambda p: present(p.scores.get("art"))).set(ADA, 3) == ADA
    cities = path(list[Person], lambda ps: every(ps, lambda p: p.address.city))
    assert repr(cities) == repr(each() >> attr("address") >> attr("city"))
    assert cities.get_all([ADA, housed]) == ["London", "London"]
    scores = path(Person, lambda p: every(p.scores))
    assert scores.modify(ADA, lambda n: -n).scores == {"math": -10}


def test_item_after_present_agrees_with_item() -> None:
    typed = path(dict[str, int], lambda d: present(d.get("a")))
    for data in ({}, {"a": 1}, {"b": 2}):
        assert typed.preview(data) == item("a").preview(data)
        assert typed.set(data, 5) == item("a").set(data, 5)


def test_generic_records_substitute_their_type_arguments() -> None:
    first = path(Box[list[int]], lambda b: b.item[0])
    assert first._steps == (attr("item") >> index(0))._steps
    assert first.set(Box([1, 2]), 9) == Box([9, 2])
    keyed = path(Box[dict[int, str]], lambda b: b.item[0])
    assert keyed._steps == (attr("item") >> key(0))._steps


def test_a_route_that_reads_nothing_is_identity_and_a_def_works_like_a_lambda() -> None:
    assert path(Person, lambda p: p) is not None
    assert repr(path(Person, lambda p: p)) == repr(identity())

    def home_street(p: Person) -> str:
        return p.address.street

    assert path(Person, home_street).get(ADA) == "12 Marylebone"


# The cache: keyed by the route's code and every value it can read besides its argument.


def city_path() -> Optic[Any, Any, Any]:
    return path(Person, lambda p: p.address.city)


def test_building_the_same_route_again_returns_the_built_path() -> None:
    assert city_path() is city_path()
    assert city_path().get(ADA) == "London"


def test_the_same_code_on_another_source_is_another_path() -> None:
    def positions(source: Any) -> Optic[Any, Any, Any]:
        return path(source, lambda s: s[0])

    assert positions(list[int])._steps == index(0)._steps
    assert positions(dict[int, int])._steps == key(0)._steps


def test_closures_over_different_values_never_share_a_path() -> None:
    def at(position: Any) -> Optic[Any, Any, Any]:
        return path(list[str], lambda xs: xs[position])

    def under(name: Any) -> Optic[Any, Any, Any]:
        return path(dict[Any, str], lambda d: d[name])

    assert at(0).get(["a", "b"]) == "a"
    assert at(1).get(["a", "b"]) == "b"
    assert at(-1).get(["a", "b"]) == "b"
    assert at(0) is at(0)
    assert at(0) is not at(1)
    # Equal but different values record different paths: 1, True and 1.0 are three keys.
    assert repr(under(1)) == "Lens(key(1))"
    assert repr(under(True)) == "Lens(key(True))"
    assert repr(under(1.0)) == "Lens(key(1.0))"
    assert repr(under((1, "a"))) == "Lens(key((1, 'a')))"
    assert repr(under((True, "a"))) == "Lens(key((True, 'a')))"
    assert repr(under(Color.RED)) == "Lens(key(<Color.RED: 'red'>))"
    assert under(Color.RED) is under(Color.RED)


def test_defaults_and_keyword_defaults_are_part_of_the_key() -> None:
    def at(position: int) -> Optic[Any, Any, Any]:
        return path(list[str], lambda xs, i=position: xs[i])

    def named(name: str) -> Optic[Any, Any, Any]:
        def route(d: dict[str, str], *, k: str = name) -> str:
            return d[k]

        return path(dict[str, str], route)

    assert at(0).get(["a", "b"]) == "a"
    assert at(1).get(["a", "b"]) == "b"
    assert named("x").get({"x": "1", "y": "2"}) == "1"
    assert named("y").get({"x": "1", "y": "2"}) == "2"


POSITION = 0


def test_a_global_the_route_reads_is_part_of_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    def build_it() -> Optic[Any, Any, Any]:
        return path(list[str], lambda xs: xs[POSITION])

    assert build_it().get(["a", "b"]) == "a"
    monkeypatch.setattr(f"{__name__}.POSITION", 1)
    assert build_it().get(["a", "b"]) == "b"


SETTINGS = SimpleNamespace(field="a")


def test_a_route_reading_a_mutable_object_is_built_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    def from_settings() -> Optic[Any, Any, Any]:
        return path(dict[str, int], lambda d: d[SETTINGS.field])

    assert from_settings().get({"a": 1, "b": 2}) == 1
    monkeypatch.setattr(SETTINGS, "field", "b")
    assert from_settings().get({"a": 1, "b": 2}) == 2
    names = ["a"]

    def from_list() -> Optic[Any, Any, Any]:
        return path(dict[str, int], lambda d: d[names[0]])

    assert from_list().get({"a": 1, "b": 2}) == 1
    names[0] = "b"
    assert from_list().get({"a": 1, "b": 2}) == 2


def test_bound_methods_and_callable_objects_are_never_cached() -> None:
    class Picker:
        def __init__(self, position: int) -> None:
            self.position = position

        def route(self, xs: list[str]) -> str:
            return xs[self.position]

        def __call__(self, xs: list[str]) -> str:
            return xs[self.position]

    picker = Picker(0)
    assert path(list[str], picker.route).get(["a", "b"]) == "a"
    assert path(list[str], picker).get(["a", "b"]) == "a"
    picker.position = 1
    assert path(list[str], picker.route).get(["a", "b"]) == "b"
    assert path(list[str], picker).get(["a", "b"]) == "b"


def test_the_cache_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "MAX_CACHED", 8)
    monkeypatch.setattr(build, "_BUILT", {})

    def at(position: int) -> Optic[Any, Any, Any]:
        return path(list[int], lambda xs: xs[position])

    for position in range(50):
        assert at(position).get(list(range(50))) == position
        assert len(build._BUILT) <= 8


def test_a_refused_route_is_never_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "_BUILT", {})
    for _ in range(2):
        with pytest.raises(InvalidPath, match=r"computes p\.name \+ 'x'"):
            path(Person, lambda p: p.name + "x")
    assert build._BUILT == {}
