"""The kind and focus type both checkers infer for ``outer >> inner``, for every pair of kinds.

Type-checked by mypy --strict and basedpyright (strict) in tests/product/test_typing_optics.py,
never run; the marks (``# R:``, ``# E mypy:``, ``# E pyright:``) are explained in
tests/product/typing_checkers.py. Each line composes ``<kind>_wp`` (from ``Whole`` to ``Part``)
with ``<kind>_pl`` (from ``Part`` to ``Leaf``).
"""

from typing import reveal_type

from dualtrack import Affine, Fold, Getter, Iso, Lens, Prism, Setter, Traversal


class Whole: ...


class Part: ...


class Leaf: ...


def every_pair(
    iso_wp: Iso[Whole, Part],
    lens_wp: Lens[Whole, Part],
    prism_wp: Prism[Whole, Part],
    affine_wp: Affine[Whole, Part],
    traversal_wp: Traversal[Whole, Part],
    getter_wp: Getter[Whole, Part],
    fold_wp: Fold[Whole, Part],
    setter_wp: Setter[Whole, Part],
    iso_pl: Iso[Part, Leaf],
    lens_pl: Lens[Part, Leaf],
    prism_pl: Prism[Part, Leaf],
    affine_pl: Affine[Part, Leaf],
    traversal_pl: Traversal[Part, Leaf],
    getter_pl: Getter[Part, Leaf],
    fold_pl: Fold[Part, Leaf],
    setter_pl: Setter[Part, Leaf],
) -> None:
    reveal_type(iso_wp >> iso_pl)  # R: Optic[IsoKind, Whole, Leaf]
    reveal_type(iso_wp >> lens_pl)  # R: Optic[LensKind, Whole, Leaf]
    reveal_type(iso_wp >> prism_pl)  # R: Optic[PrismKind, Whole, Leaf]
    reveal_type(iso_wp >> affine_pl)  # R: Optic[AffineKind, Whole, Leaf]
    reveal_type(iso_wp >> traversal_pl)  # R: Optic[TraversalKind, Whole, Leaf]
    reveal_type(iso_wp >> getter_pl)  # R: Optic[GetterKind, Whole, Leaf]
    reveal_type(iso_wp >> fold_pl)  # R: Optic[FoldKind, Whole, Leaf]
    reveal_type(iso_wp >> setter_pl)  # R: Optic[SetterKind, Whole, Leaf]

    reveal_type(lens_wp >> iso_pl)  # R: Optic[LensKind, Whole, Leaf]
    reveal_type(lens_wp >> lens_pl)  # R: Optic[LensKind, Whole, Leaf]
    reveal_type(lens_wp >> prism_pl)  # R: Optic[AffineKind, Whole, Leaf]
    reveal_type(lens_wp >> affine_pl)  # R: Optic[AffineKind, Whole, Leaf]
    reveal_type(lens_wp >> traversal_pl)  # R: Optic[TraversalKind, Whole, Leaf]
    reveal_type(lens_wp >> getter_pl)  # R: Optic[GetterKind, Whole, Leaf]
    reveal_type(lens_wp >> fold_pl)  # R: Optic[FoldKind, Whole, Leaf]
    reveal_type(lens_wp >> setter_pl)  # R: Optic[SetterKind, Whole, Leaf]

    reveal_type(prism_wp >> iso_pl)  # R: Optic[PrismKind, Whole, Leaf]
    reveal_type(prism_wp >> lens_pl)  # R: Optic[AffineKind, Whole, Leaf]
    reveal_type(prism_wp >> prism_pl)  # R: Optic[PrismKind, Whole, Leaf]
    reveal_type(prism_wp >> affine_pl)  # R: Optic[AffineKind, Whole, Leaf]
    reveal_type(prism_wp >> traversal_pl)  # R: Optic[TraversalKind, Whole, Leaf]
    reveal_type(prism_wp >> getter_pl)  # R: Optic[FoldKind, Whole, Leaf]
    reveal_type(prism_wp >> fold_pl)  # R: Optic[FoldKind, Whole, Leaf]
    reveal_type(prism_wp >> setter_pl)  # R: Optic[SetterKind, Whole, Leaf]

    reveal_type(affine_wp >> iso_pl)  # R: Optic[AffineKind, Whole, Leaf]
    reveal_type(affine_wp >> lens_pl)  # R: Optic[AffineKind, Whole, Leaf]
    reveal_type(affine_wp >> prism_pl)  # R: Optic[AffineKind, Whole, Leaf]
    reveal_type(affine_wp >> affine_pl)  # R: Optic[AffineKind, Whole, Leaf]
    reveal_type(affine_wp >> traversal_pl)  # R: Optic[TraversalKind, Whole, Leaf]
    reveal_type(affine_wp >> getter_pl)  # R: Optic[FoldKind, Whole, Leaf]
    reveal_type(affine_wp >> fold_pl)  # R: Optic[FoldKind, Whole, Leaf]
    reveal_type(affine_wp >> setter_pl)  # R: Optic[SetterKind, Whole, Leaf]

    reveal_type(traversal_wp >> iso_pl)  # R: Optic[TraversalKind, Whole, Leaf]
    reveal_type(traversal_wp >> lens_pl)  # R: Optic[TraversalKind, Whole, Leaf]
    reveal_type(traversal_wp >> prism_pl)  # R: Optic[TraversalKind, Whole, Leaf]
    reveal_type(traversal_wp >> affine_pl)  # R: Optic[TraversalKind, Whole, Leaf]
    reveal_type(traversal_wp >> traversal_pl)  # R: Optic[TraversalKind, Whole, Leaf]
    reveal_type(traversal_wp >> getter_pl)  # R: Optic[FoldKind, Whole, Leaf]
    reveal_type(traversal_wp >> fold_pl)  # R: Optic[FoldKind, Whole, Leaf]
    reveal_type(traversal_wp >> setter_pl)  # R: Optic[SetterKind, Whole, Leaf]

    reveal_type(getter_wp >> iso_pl)  # R: Optic[GetterKind, Whole, Leaf]
    reveal_type(getter_wp >> lens_pl)  # R: Optic[GetterKind, Whole, Leaf]
    reveal_type(getter_wp >> prism_pl)  # R: Optic[FoldKind, Whole, Leaf]
    reveal_type(getter_wp >> affine_pl)  # R: Optic[FoldKind, Whole, Leaf]
    reveal_type(getter_wp >> traversal_pl)  # R: Optic[FoldKind, Whole, Leaf]
    reveal_type(getter_wp >> getter_pl)  # R: Optic[GetterKind, Whole, Leaf]
    reveal_type(getter_wp >> fold_pl)  # R: Optic[FoldKind, Whole, Leaf]
    _ = getter_wp >> setter_pl  # E mypy: operator  # E pyright: reportOperatorIssue  # E pyright: reportUnknownVariableType

    reveal_type(fold_wp >> iso_pl)  # R: Optic[FoldKind, Whole, Leaf]
    reveal_type(fold_wp >> lens_pl)  # R: Optic[FoldKind, Whole, Leaf]
    reveal_type(fold_wp >> prism_pl)  # R: Optic[FoldKind, Whole, Leaf]
    reveal_type(fold_wp >> affine_pl)  # R: Optic[FoldKind, Whole, Leaf]
    reveal_type(fold_wp >> traversal_pl)  # R: Optic[FoldKind, Whole, Leaf]
    reveal_type(fold_wp >> getter_pl)  # R: Optic[FoldKind, Whole, Leaf]
    reveal_type(fold_wp >> fold_pl)  # R: Optic[FoldKind, Whole, Leaf]
    _ = fold_wp >> setter_pl  # E mypy: operator  # E pyright: reportOperatorIssue  # E pyright: reportUnknownVariableType

    reveal_type(setter_wp >> iso_pl)  # R: Optic[SetterKind, Whole, Leaf]
    reveal_type(setter_wp >> lens_pl)  # R: Optic[SetterKind, Whole, Leaf]
    reveal_type(setter_wp >> prism_pl)  # R: Optic[SetterKind, Whole, Leaf]
    reveal_type(setter_wp >> affine_pl)  # R: Optic[SetterKind, Whole, Leaf]
    reveal_type(setter_wp >> traversal_pl)  # R: Optic[SetterKind, Whole, Leaf]
    _ = setter_wp >> getter_pl  # E mypy: operator  # E pyright: reportOperatorIssue  # E pyright: reportUnknownVariableType
    _ = setter_wp >> fold_pl  # E mypy: operator  # E pyright: reportOperatorIssue  # E pyright: reportUnknownVariableType
    reveal_type(setter_wp >> setter_pl)  # R: Optic[SetterKind, Whole, Leaf]
