"""Operations check their arguments against the optic's source and focus types.

Type-checked by mypy --strict and basedpyright (strict) in tests/product/test_typing_optics.py,
never run; the marks (``# R:``, ``# E mypy:``, ``# E pyright:``) are explained in
tests/product/typing_checkers.py.
"""

from typing import reveal_type

from dualtrack import Lens, Prism, Traversal


class Person: ...


class Address: ...


def wrong_arguments(
    name: Lens[Person, str],
    home: Prism[Person, Address],
    friends: Traversal[Person, Person],
    person: Person,
    address: Address,
) -> None:
    name.get(address)  # E mypy: arg-type  # E pyright: reportArgumentType
    name.set(person, 42)  # E mypy: arg-type  # E pyright: reportArgumentType
    name.set(address, "Ada")  # E mypy: arg-type  # E pyright: reportArgumentType
    name.modify(person, len)  # E mypy: arg-type  # E pyright: reportArgumentType
    home.review("Main Street")  # E mypy: arg-type  # E pyright: reportArgumentType
    home.preview(address)  # E mypy: arg-type  # E pyright: reportArgumentType
    friends.get_all(address)  # E mypy: arg-type  # E pyright: reportArgumentType
    friends.modify(person, str)  # E mypy: arg-type  # E pyright: reportArgumentType
    count: int = name.get(person)  # E mypy: assignment  # E pyright: reportAssignmentType
    reveal_type(count)  # R: int
    reveal_type(name.modify(person, str.upper))  # R: Person
    reveal_type(home.review(address))  # R: Person
