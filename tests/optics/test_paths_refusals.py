"""A route that is not a pure path, or does not fit its declared types, is refused when the path
is built, with an ``InvalidPath`` naming what it did."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import importlib.util
import warnings
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar, NotRequired, TypedDict

import pytest

from dualtrack import InvalidOptic, InvalidPath, every, path, present
from dualtrack.optics.paths.recorder import Proxy

SNIPPET = Path(__file__).resolve().parents[1] / "typing" / "paths_refused.py"


def load_snippet() -> ModuleType:
    """tests/typing/paths_refused.py, which the type checkers accept line by line."""
    spec = importlib.util.spec_from_file_location("paths_refused", SNIPPET)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REFUSED = {
    name: function
    for name, function in vars(load_snippet()).items()
    if name.startswith("refused_") and callable(function)
}


def test_the_snippet_holds_every_kind_of_refusal() -> None:
    assert len(REFUSED) >= 20


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_what_the_checkers_accept_is_refused_when_built(name: str) -> None:
    refused = REFUSED[name]
    assert refused.__doc__
    with pytest.raises(InvalidPath) as caught:
        refused()
    message = str(caught.value)
    assert refused.__doc__ in message
    assert message.startswith("path(Person, lambda ...) is not a path: it ")
    assert "a route may only read fields" in message


@dataclasses.dataclass(frozen=True)
class Address:
    city: str


@dataclasses.dataclass(frozen=True)
class Person:
    name: str
    address: Address
    home: Address | None
    tags: frozenset[str]
    counter: int = dataclasses.field(init=False, default=0)
    kind: ClassVar[str] = "person"


class Slotted:
    __slots__ = ("value",)

    def __init__(self, value: int) -> None:
        self.value = value


class Profile(TypedDict):
    name: str
    email: NotRequired[str]


def refusal(source: Any, route: Callable[[Any], object]) -> str:
    with pytest.raises(InvalidPath) as caught:
        path(source, route)
    return str(caught.value)


@pytest.mark.parametrize(
    ("route", "says"),
    [
        (lambda p: p.home.city, "reads p.home.city, but it is Address | None"),
        (lambda p: p.home["x"], "it is Address | None, and None has nothing to look up"),
        (lambda p: every(p.home), "it is Address | None, and None has nothing to iterate over"),
        (lambda p: p.adress, "Person has no field 'adress'; its fields are: name, address"),
        (lambda p: p.counter, "field 'counter' of Person has init=False"),
        (lambda p: p.kind, "Person has no field 'kind'"),
        (lambda p: every(p.tags), "has no stable order"),
        (lambda p: p.tags[0], "has no positions or keys"),
        (lambda p: p.name[0], "cannot be written one character at a time"),
        (lambda p: p.address[0], "Address is a record: read its fields"),
        (lambda p: p.address.__dict__, "reads p.address.__dict__, which is not a field"),
        (lambda p: p.name.__len__, "reads p.name.__len__, which is not a field"),
        (lambda p: present(p.name.split), "reads p.name.split, but split is a method of str"),
        (lambda p: p.name.strip().lower(), "calls p.name.strip(): strip is a method of str"),
        (lambda p: getattr(p, "not a name"), "'not a name' is not a field name"),
        (lambda p: p.address[[1]], "Address is a record"),
        (lambda p: abs(p.address), "takes abs(p.address)"),
        (lambda p: -p.address, "negates p.address"),
        (lambda p: hash(p.name), "hashes p.name"),
        (lambda p: {p.name: 1}, "hashes p.name"),
        (lambda p: [*p.tags], "iterates over p.tags"),
        (lambda p: round(p.name), "rounds p.name"),
        (lambda p: p.name @ p.name, "computes p.name @ p.name"),
    ],
)
def test_steps_the_declared_types_or_the_proxy_refuse(route: Any, says: str) -> None:
    assert says in refusal(Person, route)


def test_typed_dict_keys_must_be_declared_and_required() -> None:
    assert "Profile has no key 'mail'; its keys are: 'name', 'email'" in refusal(
        Profile, lambda p: p["mail"]
    )
    assert "key 'email' of Profile is not required" in refusal(Profile, lambda p: p["email"])
    assert "Profile is a TypedDict: read its keys with ['name']" in refusal(
        Profile, lambda p: p.name
    )
    assert (
        path(Profile, lambda p: present(p.get("email"))).preview({"name": "Ada"}).value_or(None)
        is None
    )


def test_a_slotted_plain_object_cannot_be_copied_with_one_field_replaced() -> None:
    assert "Slotted keeps 'value' in __slots__" in refusal(Slotted, lambda s: s.value)


def test_a_route_that_swallows_its_refusal_is_refused_all_the_same() -> None:
    def sneaky(p: Any) -> Any:
        with contextlib.suppress(InvalidPath):
            p.name + "!"
        return p.name

    assert "computes p.name + '!'" in refusal(Person, sneaky)
    assert "path(Person, sneaky) is not a path" in refusal(Person, sneaky)


def test_a_continuation_that_swallows_its_refusal_is_refused() -> None:
    def sneaky(line: Any) -> Any:
        with contextlib.suppress(InvalidPath):
            len(line)
        return line

    assert "asks len(l)" in refusal(list[str], lambda xs: every(xs, lambda l: sneaky(l)))  # noqa: E741


def test_a_route_must_end_on_a_part_of_its_own_source() -> None:
    leaked: list[Any] = []
    path(Person, lambda p: leaked.append(p) or p.name)
    assert "returns p.name, a part of another route" in refusal(Person, lambda p: leaked[0].name)
    assert "returns str 'Ada', not a part of p" in refusal(Person, lambda p: "Ada")
    assert "returns NoneType None" in refusal(Person, lambda p: None)


def test_a_coroutine_route_is_refused_and_closed() -> None:
    async def route(p: Any) -> Any:
        return p.name

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert "returns coroutine" in refusal(Person, route)
        gc.collect()


def test_markers_only_mark_steps_inside_a_route() -> None:
    with pytest.raises(InvalidPath, match="every\\(\\) marks a step inside a path's route"):
        every([1, 2, 3])
    with pytest.raises(InvalidPath, match="present\\(\\) marks a step"):
        present(None)


def test_the_rest_of_a_route_must_stay_on_the_route() -> None:
    assert "returning p.name, which is not a part of a" in refusal(
        Person, lambda p: present(p.home, lambda a: p.name)
    )
    assert "a function returning int 3" in refusal(Person, lambda p: present(p.home, lambda a: 3))
    assert "gives present() a int where the rest of the route goes" in refusal(
        Person,
        lambda p: present(p.home, 3),  # type: ignore[call-overload]
    )


def test_a_maybe_missing_key_must_be_wrapped_in_present() -> None:
    route: Any = lambda p: p.get("name").upper  # noqa: E731
    assert "p.get('name') may be missing: reach through it with present" in refusal(Profile, route)
    assert "a default is not a path" in refusal(Profile, lambda p: p.get("name", "x"))
    assert "calls p.get(p['k']) with a key read from the source itself" in refusal(
        dict[str, str], lambda p: p.get(p["k"])
    )


def test_the_result_kind_must_be_what_the_checkers_saw() -> None:
    # Only a route reaching into the markers' internals can return a Traversal as a plain part.
    message = refusal(list[int], lambda xs: Proxy(every(xs).point))
    assert "goes through every(...) and so is a Traversal, not a Lens" in message


def test_path_needs_a_class_and_a_function() -> None:
    ada = Person("Ada", Address("London"), None, frozenset())
    with pytest.raises(InvalidPath, match="path\\(\\) needs the class of the values it reads"):
        path(ada, lambda p: p.name)  # type: ignore[call-overload]
    with pytest.raises(InvalidOptic, match="path\\(\\) needs a callable route"):
        path(Person, "name")  # type: ignore[call-overload]


def test_refusals_are_invalid_optics_and_type_errors() -> None:
    assert issubclass(InvalidPath, InvalidOptic)
    assert issubclass(InvalidPath, TypeError)
