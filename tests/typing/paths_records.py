"""``path(Source, route)`` infers source, focus and kind with no annotation: fields of every
record type, TypedDict and Mapping keys, sequence positions, and any nesting of them; a typo'd
field or key is an error.

Type-checked by mypy --strict and basedpyright (strict) in tests/product/test_typing_optics.py,
never run; the marks (``# R:``, ``# E mypy:``, ``# E pyright:``) are explained in
tests/product/typing_checkers.py. tests/optics/test_paths_behaviour.py builds the same paths.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, TypedDict, reveal_type

import attrs
import pydantic

from dualtrack import path


@dataclass(frozen=True)
class Address:
    street: str
    city: str


@dataclass(frozen=True)
class Person:
    name: str
    address: Address
    scores: dict[str, int]
    friends: tuple["Person", ...]


@attrs.frozen
class Parcel:
    weight: float
    to: Address


class Account(pydantic.BaseModel):
    owner: Person
    balance: int


class Point(NamedTuple):
    x: int
    y: int


class Plain:
    def __init__(self, label: str) -> None:
        self.label = label


class Book(TypedDict):
    title: str
    authors: list[Person]


@dataclass(frozen=True)
class Shelf:
    books: Sequence[Book]
    by_isbn: Mapping[str, Book]
    corners: tuple[Point, Point]
    tag: Plain


def record_fields() -> None:
    reveal_type(path(Person, lambda p: p.name))  # R: Optic[LensKind, Person, str]
    reveal_type(path(Person, lambda p: p.address.city))  # R: Optic[LensKind, Person, str]
    reveal_type(path(Parcel, lambda p: p.to.street))  # R: Optic[LensKind, Parcel, str]
    reveal_type(path(Account, lambda a: a.owner.address))  # R: Optic[LensKind, Account, Address]
    reveal_type(path(Point, lambda p: p.y))  # R: Optic[LensKind, Point, int]
    reveal_type(path(Plain, lambda p: p.label))  # R: Optic[LensKind, Plain, str]


def keys_and_positions() -> None:
    reveal_type(path(Person, lambda p: p.scores["math"]))  # R: Optic[LensKind, Person, int]
    reveal_type(path(Book, lambda b: b["title"]))  # R: Optic[LensKind, Book, str]
    reveal_type(path(Person, lambda p: p.friends[-1].name))  # R: Optic[LensKind, Person, str]
    reveal_type(path(Point, lambda p: p[0]))  # R: Optic[LensKind, Point, int]
    reveal_type(path(list[Person], lambda people: people[0]))  # R: Optic[LensKind, list[Person], Person]
    reveal_type(path(dict[str, Book], lambda books: books["sicp"]["authors"]))  # R: Optic[LensKind, dict[str, Book], list[Person]]


def nesting() -> None:
    reveal_type(path(Shelf, lambda s: s.books[0]["authors"][-1].address.street))  # R: Optic[LensKind, Shelf, str]
    reveal_type(path(Shelf, lambda s: s.by_isbn["0262510871"]["title"]))  # R: Optic[LensKind, Shelf, str]
    reveal_type(path(Shelf, lambda s: s.corners[1].x))  # R: Optic[LensKind, Shelf, int]
    reveal_type(path(Shelf, lambda s: s.tag.label))  # R: Optic[LensKind, Shelf, str]


def operations_are_typed(person: Person) -> None:
    city = path(Person, lambda p: p.address.city)
    reveal_type(city.get(person))  # R: str
    reveal_type(city.set(person, "Paris"))  # R: Person
    reveal_type(city.modify(person, str.upper))  # R: Person
    city.set(person, 3)  # E mypy: arg-type  # E pyright: reportArgumentType
    city.get(person.address)  # E mypy: arg-type  # E pyright: reportArgumentType


def typos_are_errors() -> None:
    path(Person, lambda p: p.adress.city)  # E mypy: attr-defined: "Person" has no attribute "adress"  # E pyright: reportAttributeAccessIssue: "adress"  # E pyright: reportUnknownMemberType  # E pyright: reportUnknownLambdaType
    path(Account, lambda a: a.balanse)  # E mypy: attr-defined  # E pyright: reportAttributeAccessIssue  # E pyright: reportUnknownMemberType  # E pyright: reportUnknownLambdaType
    path(Book, lambda b: b["titel"])  # E mypy: typeddict-item: "titel"  # E pyright: reportGeneralTypeIssues: "titel"  # E pyright: reportUnknownLambdaType
    path(Point, lambda p: p.z)  # E mypy: attr-defined  # E pyright: reportAttributeAccessIssue  # E pyright: reportUnknownMemberType  # E pyright: reportUnknownLambdaType
    path(Person, lambda p: p.scores[0])  # E mypy: index  # E mypy: arg-type  # E mypy: return-value  # E pyright: reportArgumentType
    path(Person, "name")  # E mypy: call-overload  # E pyright: reportArgumentType  # E pyright: reportCallIssue
