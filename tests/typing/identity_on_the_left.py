"""``identity()`` is neutral on the left of ``>>`` too, without an annotation.

Type-checked by mypy --strict and basedpyright (strict) in tests/product/test_typing_optics.py,
never run; the marks (``# R:``, ``# E mypy:``, ``# E pyright:``) are explained in
tests/product/typing_checkers.py.
"""

from typing import reveal_type

from dualtrack import Getter, Lens, Traversal, identity


class Person: ...


class Address: ...


def neutral_on_the_left(
    home: Lens[Person, Address],
    homes: Traversal[Person, Address],
    describe: Getter[Person, str],
) -> None:
    reveal_type(identity() >> home)  # R: Optic[LensKind, Person, Address]
    reveal_type(identity() >> homes)  # R: Optic[TraversalKind, Person, Address]
    reveal_type(identity() >> describe)  # R: Optic[GetterKind, Person, str]
