"""Operations check their arguments against the optic's source and focus types.

Type-checked by tests/product/test_typing_optics.py, never run. ``# R:`` marks what ``reveal_type``
must show on its line, ``# E:`` the error code mypy must report there.
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
    name.get(address)  # E: arg-type
    name.set(person, 42)  # E: arg-type
    name.set(address, "Ada")  # E: arg-type
    name.modify(person, len)  # E: arg-type
    home.review("Main Street")  # E: arg-type
    home.preview(address)  # E: arg-type
    friends.get_all(address)  # E: arg-type
    friends.modify(person, str)  # E: arg-type
    count: int = name.get(person)  # E: assignment
    reveal_type(count)  # R: int
    reveal_type(name.modify(person, str.upper))  # R: Person
    reveal_type(home.review(address))  # R: Person
