"""Focus types thread through ``>>``; mismatched foci and too weak kinds are rejected.

Type-checked by mypy --strict and basedpyright (strict) in tests/product/test_typing_optics.py,
never run; the marks (``# R:``, ``# E mypy:``, ``# E pyright:``) are explained in
tests/product/typing_checkers.py.
"""

from typing import reveal_type

from dualtrack import Affine, Fold, Getter, Iso, Lens, Prism, Traversal, identity


class Company: ...


class Person: ...


class Address: ...


def chains(
    staff: Traversal[Company, Person],
    home: Lens[Person, Address],
    street: Lens[Address, str],
    length: Getter[str, int],
    moved: Prism[Address, Address],
) -> None:
    reveal_type(home >> street)  # R: Optic[LensKind, Person, str]
    reveal_type(staff >> home >> street)  # R: Optic[TraversalKind, Company, str]
    reveal_type(home >> moved >> street)  # R: Optic[AffineKind, Person, str]
    reveal_type(home >> street >> length)  # R: Optic[GetterKind, Person, int]
    reveal_type(staff >> (home >> street >> length))  # R: Optic[FoldKind, Company, int]
    reveal_type(home >> identity())  # R: Optic[LensKind, Person, Address]
    same: Iso[Person, Person] = identity()
    reveal_type(same >> home)  # R: Optic[LensKind, Person, Address]


def mismatched_foci(
    age: Lens[Person, int],
    upper: Lens[str, str],
    flag: Lens[Person, bool],
    from_int: Lens[int, str],
    home: Lens[Person, Address],
    staff: Traversal[Company, Person],
) -> None:
    (age >> upper)  # E mypy: operator  # E pyright: reportOperatorIssue  # E pyright: reportUnusedExpression
    (home >> staff)  # E mypy: operator  # E pyright: reportOperatorIssue  # E pyright: reportUnusedExpression
    (staff >> age >> upper)  # E mypy: operator  # E pyright: reportOperatorIssue  # E pyright: reportUnusedExpression
    # Foci are invariant: set writes a value back, so a Lens onto bool is no Lens onto int.
    (flag >> from_int)  # E mypy: operator  # E pyright: reportOperatorIssue  # E pyright: reportUnusedExpression


def takes_lens(optic: Lens[Person, Address]) -> None: ...


def takes_prism(optic: Prism[Person, Address]) -> None: ...


def takes_traversal(optic: Traversal[Person, Address]) -> None: ...


def takes_lens_onto_object(optic: Lens[Person, object]) -> None: ...


def kinds_are_covariant(
    iso: Iso[Person, Address],
    lens: Lens[Person, Address],
    affine: Affine[Person, Address],
    getter: Getter[Person, Address],
) -> None:
    as_lens: Lens[Person, Address] = iso
    as_fold: Fold[Person, Address] = lens
    as_getter: Getter[Person, Address] = lens
    as_traversal: Traversal[Person, Address] = affine
    reveal_type(as_lens)  # R mypy: Optic[LensKind, Person, Address]  # R pyright: Optic[IsoKind, Person, Address]
    reveal_type(as_fold)  # R mypy: Optic[FoldKind, Person, Address]  # R pyright: Optic[LensKind, Person, Address]
    reveal_type(as_getter)  # R mypy: Optic[GetterKind, Person, Address]  # R pyright: Optic[LensKind, Person, Address]
    reveal_type(as_traversal)  # R mypy: Optic[TraversalKind, Person, Address]  # R pyright: Optic[AffineKind, Person, Address]
    takes_lens(iso)
    takes_lens(affine)  # E mypy: arg-type  # E pyright: reportArgumentType
    takes_prism(lens)  # E mypy: arg-type  # E pyright: reportArgumentType
    takes_traversal(getter)  # E mypy: arg-type  # E pyright: reportArgumentType
    takes_lens_onto_object(lens)  # E mypy: arg-type  # E pyright: reportArgumentType
