"""What each operation returns on each kind, and that both checkers reject what a kind lacks.

Type-checked by mypy --strict and basedpyright (strict) in tests/product/test_typing_optics.py,
never run; the marks (``# R:``, ``# E mypy:``, ``# E pyright:``) are explained in
tests/product/typing_checkers.py. A kind without an operation fails the operation's ``self``
type (mypy's ``misc``, pyright's ``reportAttributeAccessIssue``).
"""

from collections.abc import Callable
from typing import reveal_type

from dualtrack import Affine, Fold, Getter, Iso, Lens, Prism, Setter, Traversal


class Whole: ...


class Part: ...


def every_operation(
    iso: Iso[Whole, Part],
    lens: Lens[Whole, Part],
    prism: Prism[Whole, Part],
    affine: Affine[Whole, Part],
    traversal: Traversal[Whole, Part],
    getter: Getter[Whole, Part],
    fold: Fold[Whole, Part],
    setter: Setter[Whole, Part],
    whole: Whole,
    part: Part,
    grow: Callable[[Part], Part],
) -> None:
    reveal_type(iso.get(whole))  # R: Part
    reveal_type(iso.preview(whole))  # R: Maybe[Part]
    reveal_type(iso.get_all(whole))  # R: list[Part]
    reveal_type(iso.set(whole, part))  # R: Whole
    reveal_type(iso.modify(whole, grow))  # R: Whole
    reveal_type(iso.review(part))  # R: Whole

    reveal_type(lens.get(whole))  # R: Part
    reveal_type(lens.preview(whole))  # R: Maybe[Part]
    reveal_type(lens.get_all(whole))  # R: list[Part]
    reveal_type(lens.set(whole, part))  # R: Whole
    reveal_type(lens.modify(whole, grow))  # R: Whole
    lens.review(part)  # E mypy: misc: attribute function "review"  # E pyright: reportAttributeAccessIssue  # E pyright: reportUnknownMemberType

    prism.get(whole)  # E mypy: misc: attribute function "get"  # E pyright: reportAttributeAccessIssue  # E pyright: reportUnknownMemberType
    reveal_type(prism.preview(whole))  # R: Maybe[Part]
    reveal_type(prism.get_all(whole))  # R: list[Part]
    reveal_type(prism.set(whole, part))  # R: Whole
    reveal_type(prism.modify(whole, grow))  # R: Whole
    reveal_type(prism.review(part))  # R: Whole

    affine.get(whole)  # E mypy: misc: attribute function "get"  # E pyright: reportAttributeAccessIssue  # E pyright: reportUnknownMemberType
    reveal_type(affine.preview(whole))  # R: Maybe[Part]
    reveal_type(affine.get_all(whole))  # R: list[Part]
    reveal_type(affine.set(whole, part))  # R: Whole
    reveal_type(affine.modify(whole, grow))  # R: Whole
    affine.review(part)  # E mypy: misc: attribute function "review"  # E pyright: reportAttributeAccessIssue  # E pyright: reportUnknownMemberType

    traversal.get(whole)  # E mypy: misc: attribute function "get"  # E pyright: reportAttributeAccessIssue  # E pyright: reportUnknownMemberType
    reveal_type(traversal.preview(whole))  # R: Maybe[Part]
    reveal_type(traversal.get_all(whole))  # R: list[Part]
    reveal_type(traversal.set(whole, part))  # R: Whole
    reveal_type(traversal.modify(whole, grow))  # R: Whole
    traversal.review(part)  # E mypy: misc: attribute function "review"  # E pyright: reportAttributeAccessIssue  # E pyright: reportUnknownMemberType

    reveal_type(getter.get(whole))  # R: Part
    reveal_type(getter.preview(whole))  # R: Maybe[Part]
    reveal_type(getter.get_all(whole))  # R: list[Part]
    getter.set(whole, part)  # E mypy: misc: attribute function "set"  # E pyright: reportAttributeAccessIssue  # E pyright: reportUnknownMemberType
    getter.modify(whole, grow)  # E mypy: misc: attribute function "modify"  # E pyright: reportAttributeAccessIssue  # E pyright: reportUnknownMemberType
    getter.review(part)  # E mypy: misc: attribute function "review"  # E pyright: reportAttributeAccessIssue  # E pyright: reportUnknownMemberType

    fold.get(whole)  # E mypy: misc: attribute function "get"  # E pyright: reportAttributeAccessIssue  # E pyright: reportUnknownMemberType
    reveal_type(fold.preview(whole))  # R: Maybe[Part]
    reveal_type(fold.get_all(whole))  # R: list[Part]
    fold.set(whole, part)  # E mypy: misc: attribute function "set"  # E pyright: reportAttributeAccessIssue  # E pyright: reportUnknownMemberType
    fold.modify(whole, grow)  # E mypy: misc: attribute function "modify"  # E pyright: reportAttributeAccessIssue  # E pyright: reportUnknownMemberType
    fold.review(part)  # E mypy: misc: attribute function "review"  # E pyright: reportAttributeAccessIssue  # E pyright: reportUnknownMemberType

    setter.get(whole)  # E mypy: misc: attribute function "get"  # E pyright: reportAttributeAccessIssue  # E pyright: reportUnknownMemberType
    setter.preview(whole)  # E mypy: misc: attribute function "preview"  # E pyright: reportAttributeAccessIssue  # E pyright: reportUnknownMemberType
    setter.get_all(whole)  # E mypy: misc: attribute function "get_all"  # E pyright: reportAttributeAccessIssue  # E pyright: reportUnknownMemberType
    reveal_type(setter.set(whole, part))  # R: Whole
    reveal_type(setter.modify(whole, grow))  # R: Whole
    setter.review(part)  # E mypy: misc: attribute function "review"  # E pyright: reportAttributeAccessIssue  # E pyright: reportUnknownMemberType
