"""The optic each constructor gives: custom constructors infer both types from their
functions; structural ones are ``Any``-typed until annotated.

Type-checked by mypy --strict and basedpyright (strict) in tests/product/test_typing_optics.py,
never run; the marks (``# R:``, ``# E mypy:``, ``# E pyright:``) are explained in
tests/product/typing_checkers.py.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, reveal_type

from returns.maybe import Maybe, Nothing, Some

from dualtrack import (
    Iso,
    Lens,
    Prism,
    Traversal,
    affine,
    attr,
    codec,
    each,
    filtered,
    fold,
    getter,
    identity,
    index,
    iso,
    item,
    json_codec,
    key,
    lens,
    prism,
    setter,
    traversal,
)


@dataclass(frozen=True)
class Person:
    name: str
    age: int
    nickname: str | None
    friends: tuple[str, ...]


def get_name(person: Person) -> str:
    return person.name


def set_name(person: Person, name: str) -> Person:
    return replace(person, name=name)


def set_age(person: Person, age: int) -> Person:
    return replace(person, age=age)


def nickname(person: Person) -> Maybe[str]:
    return Nothing if person.nickname is None else Some(person.nickname)


def set_nickname(person: Person, value: str) -> Person:
    return person if person.nickname is None else replace(person, nickname=value)


def anonymous(name: str) -> Person:
    return Person(name, 0, None, ())


def friends(person: Person) -> tuple[str, ...]:
    return person.friends


def map_friends(person: Person, f: Callable[[str], str]) -> Person:
    return replace(person, friends=tuple(map(f, person.friends)))


def to_pair(person: Person) -> tuple[str, int]:
    return person.name, person.age


def from_pair(pair: tuple[str, int]) -> Person:
    return Person(pair[0], pair[1], None, ())


def encode_age(age: int) -> bytes:
    return str(age).encode()


def decode_age(data: bytes) -> int:
    return int(data)


def custom_constructors() -> None:
    reveal_type(lens(get_name, set_name))  # R: Optic[LensKind, Person, str]
    reveal_type(prism(nickname, anonymous))  # R: Optic[PrismKind, Person, str]
    reveal_type(affine(nickname, set_nickname))  # R: Optic[AffineKind, Person, str]
    reveal_type(iso(to_pair, from_pair))  # R: Optic[IsoKind, Person, tuple[str, int]]
    reveal_type(traversal(friends, map_friends))  # R: Optic[TraversalKind, Person, str]
    reveal_type(getter(len))  # R: Optic[GetterKind, Sized, int]
    reveal_type(fold(friends))  # R: Optic[FoldKind, Person, str]
    reveal_type(setter(map_friends))  # R: Optic[SetterKind, Person, str]
    reveal_type(filtered(str.isupper))  # R: Optic[TraversalKind, str, str]
    reveal_type(codec(encode_age, decode_age))  # R: Optic[IsoKind, bytes, int]
    reveal_type(json_codec())  # R: Optic[IsoKind, bytes, Any]
    same: Iso[Person, Person] = identity()
    reveal_type(same)  # R mypy: Optic[IsoKind, Person, Person]  # R pyright: Identity[Person]


def wrong_custom_constructors() -> None:
    lens(get_name, set_age)  # E mypy: misc: Cannot infer value of type parameter "A"  # E pyright: reportArgumentType
    lens(get_name)  # E mypy: call-arg  # E pyright: reportCallIssue
    prism(get_name, anonymous)  # E mypy: arg-type  # E pyright: reportArgumentType
    getter("name")  # E mypy: arg-type  # E pyright: reportArgumentType
    traversal(friends, set_name)  # E mypy: arg-type  # E pyright: reportArgumentType


def structural_constructors(people: list[Person]) -> None:
    reveal_type(key("name"))  # R: Optic[LensKind, Any, Any]
    reveal_type(index(-1))  # R: Optic[LensKind, Any, Any]
    reveal_type(attr("name"))  # R: Optic[LensKind, Any, Any]
    reveal_type(item("name"))  # R: Optic[AffineKind, Any, Any]
    reveal_type(each())  # R: Optic[TraversalKind, Any, Any]
    name: Lens[Person, str] = attr("name")
    last: Lens[list[Person], Person] = index(-1)
    everyone: Traversal[list[Person], Person] = each()
    reveal_type(last >> name)  # R: Optic[LensKind, list[Person], str]
    reveal_type(everyone >> name)  # R: Optic[TraversalKind, list[Person], str]
    reveal_type(name.get(people[0]))  # R: str
    reveal_type(key("people") >> name)  # R: Optic[LensKind, Any, str]
    not_a_prism: Prism[Person, str] = attr("name")  # E mypy: assignment  # E pyright: reportAssignmentType
    reveal_type(not_a_prism)  # R: Optic[PrismKind, Person, str]
    not_a_lens: Lens[Any, Any] = each()  # E mypy: assignment  # E pyright: reportAssignmentType
    reveal_type(not_a_lens)  # R: Optic[LensKind, Any, Any]
    (name >> last)  # E mypy: operator  # E pyright: reportOperatorIssue  # E pyright: reportUnusedExpression
