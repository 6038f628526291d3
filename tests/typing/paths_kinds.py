"""The kind of a typed path: ``present(...)`` makes an Affine, ``every(...)`` a Traversal, and
composing typed paths with other typed optics keeps both types and kind; what a kind lacks, a
mismatched focus and a step through ``X | None`` are errors.

Type-checked by mypy --strict and basedpyright (strict) in tests/product/test_typing_optics.py,
never run; the marks (``# R:``, ``# E mypy:``, ``# E pyright:``) are explained in
tests/product/typing_checkers.py. tests/optics/test_paths_behaviour.py builds the same paths.
"""

from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict, reveal_type

from dualtrack import Getter, Lens, Setter, every, fold, getter, identity, path, present


@dataclass(frozen=True)
class Discount:
    rate: float


@dataclass(frozen=True)
class Line:
    sku: str
    qty: int
    discount: Discount | None


@dataclass(frozen=True)
class Order:
    lines: list[Line]
    notes: dict[str, str]
    gift_note: str | None


class Profile(TypedDict):
    name: str
    email: NotRequired[str]


def affine_paths() -> None:
    reveal_type(path(Order, lambda o: o.gift_note))  # R: Optic[LensKind, Order, str | None]
    reveal_type(path(Order, lambda o: present(o.gift_note)))  # R: Optic[AffineKind, Order, str]
    reveal_type(path(Line, lambda ln: present(ln.discount, lambda d: d.rate)))  # R: Optic[AffineKind, Line, float]
    reveal_type(path(Order, lambda o: present(o.notes.get("wrap"))))  # R: Optic[AffineKind, Order, str]
    reveal_type(path(Profile, lambda p: present(p.get("email"))))  # R: Optic[AffineKind, Profile, str]


def traversals() -> None:
    reveal_type(path(Order, lambda o: every(o.lines)))  # R: Optic[TraversalKind, Order, Line]
    reveal_type(path(Order, lambda o: every(o.lines, lambda ln: ln.qty)))  # R: Optic[TraversalKind, Order, int]
    reveal_type(path(Order, lambda o: every(o.notes)))  # R: Optic[TraversalKind, Order, str]
    reveal_type(path(Order, lambda o: every(o.lines, lambda ln: present(ln.discount, lambda d: d.rate))))  # R: Optic[TraversalKind, Order, float]
    reveal_type(path(list[Order], lambda os: every(os, lambda o: every(o.lines))))  # R: Optic[TraversalKind, list[Order], Line]


def through_optional_is_an_error() -> None:
    path(Line, lambda ln: ln.discount.rate)  # E mypy: union-attr  # E mypy: arg-type  # E mypy: return-value  # E pyright: reportOptionalMemberAccess


def composition_keeps_types(order: Order, describe: Getter[Line, str], audit: Setter[int, int]) -> None:
    lines = path(Order, lambda o: every(o.lines))
    qty = path(Line, lambda ln: ln.qty)
    first = path(Order, lambda o: o.lines[0])
    reveal_type(lines >> qty)  # R: Optic[TraversalKind, Order, int]
    reveal_type(first >> qty)  # R: Optic[LensKind, Order, int]
    reveal_type(first >> path(Line, lambda ln: present(ln.discount)))  # R: Optic[AffineKind, Order, Discount]
    reveal_type(first >> describe)  # R: Optic[GetterKind, Order, str]
    reveal_type(lines >> describe)  # R: Optic[FoldKind, Order, str]
    reveal_type(qty >> audit)  # R: Optic[SetterKind, Line, int]
    reveal_type(identity() >> first)  # R: Optic[LensKind, Order, Line]
    reveal_type(first >> identity())  # R: Optic[LensKind, Order, Line]
    reveal_type((lines >> qty).get_all(order))  # R: list[int]
    reveal_type((first >> qty).modify(order, abs))  # R: Order


def sku_of(line: Line) -> str:
    return line.sku


def what_kinds_lack(order: Order, audit: Setter[int, int]) -> None:
    lines = path(Order, lambda o: every(o.lines))
    note = path(Order, lambda o: present(o.gift_note))
    skus = lines >> getter(sku_of)
    lines.get(order)  # E mypy: misc: attribute function "get"  # E pyright: reportAttributeAccessIssue  # E pyright: reportUnknownMemberType
    note.get(order)  # E mypy: misc: attribute function "get"  # E pyright: reportAttributeAccessIssue  # E pyright: reportUnknownMemberType
    skus.set(order, "x")  # E mypy: misc: attribute function "set"  # E pyright: reportAttributeAccessIssue  # E pyright: reportUnknownMemberType
    _ = skus >> audit  # E mypy: operator  # E pyright: reportOperatorIssue  # E pyright: reportUnknownVariableType
    _ = path(Line, lambda ln: ln.sku) >> fold(str.split) >> audit  # E mypy: operator  # E pyright: reportOperatorIssue  # E pyright: reportUnknownVariableType


def mismatched_foci(qty: Lens[Line, int], sku_length: Getter[str, int]) -> None:
    _ = path(Order, lambda o: o.lines) >> qty  # E mypy: operator  # E pyright: reportOperatorIssue  # E pyright: reportUnknownVariableType
    _ = path(Order, lambda o: o.lines[0].qty) >> sku_length  # E mypy: operator  # E pyright: reportOperatorIssue  # E pyright: reportUnknownVariableType
    _ = path(Order, lambda o: every(o.notes)) >> qty  # E mypy: operator  # E pyright: reportOperatorIssue  # E pyright: reportUnknownVariableType


def any_focus(document: dict[str, Any]) -> None:
    # A route whose focus is Any: pyright keeps the Lens, mypy gives Any (see untyped_composition.py).
    reveal_type(path(dict[str, Any], lambda d: d["user"]["name"]))  # R mypy: Optic[Any, Any, Any]  # R pyright: Optic[LensKind, dict[str, Any], Any]
    reveal_type(path(dict[str, Any], lambda d: every(d["tags"])))  # R: Optic[TraversalKind, dict[str, Any], Any]
