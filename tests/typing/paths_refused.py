"""Routes the type checkers accept but that are not paths: each is refused when the path is
built, with a message naming what the route did.

Type-checked by mypy --strict and basedpyright (strict) in tests/product/test_typing_optics.py
(the marks are explained in tests/product/typing_checkers.py); unlike the other snippets it is
also run: tests/optics/test_paths_refusals.py calls every ``refused_*`` function and expects
``InvalidPath`` with its docstring in the message.
"""

from dataclasses import dataclass
from typing import reveal_type

from dualtrack import every, path


@dataclass(frozen=True)
class Address:
    city: str


@dataclass(frozen=True)
class Person:
    name: str
    age: int
    address: Address
    scores: dict[str, int]
    friends: list[str]
    retired: bool

    @property
    def initials(self) -> str:
        return self.name[:1]

    def greeting(self) -> str:
        return f"Hello, {self.name}"


def refused_call() -> None:
    """calls p.name.upper(): upper is a method of str"""
    reveal_type(path(Person, lambda p: p.name.upper()))  # R: Optic[LensKind, Person, str]


def refused_method_of_a_record() -> None:
    """reads p.greeting, but Person.greeting is a method, not a field"""
    reveal_type(path(Person, lambda p: p.greeting))  # R mypy: Optic[LensKind, Person, def () -> str]  # R pyright: Optic[LensKind, Person, () -> str]


def refused_method_of_a_value() -> None:
    """calls p.address.city.title(): title is a method of str, not a field"""
    reveal_type(path(Person, lambda p: p.address.city.title()))  # R: Optic[LensKind, Person, str]


def refused_arithmetic() -> None:
    """computes p.age + 1"""
    reveal_type(path(Person, lambda p: p.age + 1))  # R: Optic[LensKind, Person, int]


def refused_reflected_arithmetic() -> None:
    """computes 2 * p.age"""
    reveal_type(path(Person, lambda p: 2 * p.age))  # R: Optic[LensKind, Person, int]


def refused_comparison() -> None:
    """compares p.age > 65"""
    reveal_type(path(Person, lambda p: p.age > 65))  # R: Optic[LensKind, Person, bool]


def refused_conditional() -> None:
    """asks whether p.retired is true"""
    reveal_type(path(Person, lambda p: p.name if p.retired else p.address.city))  # R: Optic[LensKind, Person, str]


def refused_boolean_operator() -> None:
    """asks whether p.name is true"""
    reveal_type(path(Person, lambda p: p.name or p.address.city))  # R: Optic[LensKind, Person, str]


def refused_reading_as_text() -> None:
    """reads the value of p.age as text"""
    reveal_type(path(Person, lambda p: str(p.age)))  # R: Optic[LensKind, Person, str]


def refused_formatting() -> None:
    """formats the value of p.age"""
    reveal_type(path(Person, lambda p: f"{p.age:>3}"))  # R: Optic[LensKind, Person, str]


def refused_length() -> None:
    """asks len(p.friends)"""
    reveal_type(path(Person, lambda p: len(p.friends)))  # R: Optic[LensKind, Person, int]


def refused_iteration() -> None:
    """iterates over p.friends (to reach every element, use every(p.friends))"""
    reveal_type(path(Person, lambda p: [f for f in p.friends][0]))  # noqa: RUF015  # R: Optic[LensKind, Person, str]


def refused_membership() -> None:
    """asks whether 'Ada' is in p.friends"""
    reveal_type(path(Person, lambda p: "Ada" in p.friends))  # R: Optic[LensKind, Person, bool]


def refused_key_from_the_source() -> None:
    """looks up p.scores[...] with a key read from the source itself"""
    reveal_type(path(Person, lambda p: p.scores[p.name]))  # R: Optic[LensKind, Person, int]


def refused_constant() -> None:
    """returns int 3, not a part of p"""
    reveal_type(path(Person, lambda p: 3))  # R: Optic[LensKind, Person, int]


def refused_property() -> None:
    """Person.initials is a property"""
    reveal_type(path(Person, lambda p: p.initials))  # R: Optic[LensKind, Person, str]


def refused_maybe_missing_key() -> None:
    """ends on p.scores.get('math'), which may be missing: wrap it as present(p.scores.get('math'))"""
    reveal_type(path(Person, lambda p: p.scores.get("math")))  # R: Optic[LensKind, Person, int | None]


def refused_lookup_default() -> None:
    """calls p.scores.get('math', 0): a default is not a path"""
    reveal_type(path(Person, lambda p: p.scores.get("math", 0)))  # R: Optic[LensKind, Person, int]


def refused_slice() -> None:
    """a slice is several elements, not one focus"""
    reveal_type(path(Person, lambda p: p.friends[1:]))  # R: Optic[LensKind, Person, list[str]]


def refused_every_inside_a_lens() -> None:
    """calls every(p.name), but a str is not a container"""
    reveal_type(path(Person, lambda p: every(p.name)))  # R: Optic[TraversalKind, Person, str]


def refused_other_part_after_every() -> None:
    """returning p.name, which is not a part of f"""
    reveal_type(path(Person, lambda p: every(p.friends, lambda f: p.name)))  # R: Optic[TraversalKind, Person, str]
