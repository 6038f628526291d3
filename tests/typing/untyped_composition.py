"""Composing the ``Any``-typed structural optics: pyright keeps the kind, mypy cannot.

Type-checked by mypy --strict and basedpyright (strict) in tests/product/test_typing_optics.py,
never run; the marks (``# R:``, ``# E mypy:``, ``# E pyright:``) are explained in
tests/product/typing_checkers.py.

Why mypy cannot: ``>>`` is one overload per kind, and when an argument's type contains ``Any``
and several overloads match with different return types, mypy returns ``Any`` rather than pick
one (its documented rule for overloads and ``Any``). Every overload from the left operand's kind
down matches a structural optic (a Lens is also an Affine, a Getter, a Traversal, ...), so the
kind is lost as well. No ordering or extra overload can avoid this while ``key``, ``attr``,
``index``, ``item`` and ``each`` have ``Any`` in their types, which they must (they work on any
data). pyright picks the first matching overload here and keeps the kind. The typed form,
``path(Source, lambda s: ...)``, has no ``Any`` and keeps the kind in both checkers
(paths_*.py); the run-time kind is exact either way.
"""

from typing import Any, reveal_type

from dualtrack import Lens, attr, each, getter, index, item, key


def structural_paths(users: Lens[dict[str, Any], Any]) -> None:
    reveal_type(key("user") >> key("name"))  # R mypy: Optic[Any, Any, Any]  # R pyright: Optic[LensKind, Any, Any]
    reveal_type(key("users") >> index(-1) >> attr("name"))  # R mypy: Optic[Any, Any, Any]  # R pyright: Optic[LensKind, Any, Any]
    reveal_type(key("users") >> each())  # R mypy: Optic[Any, Any, Any]  # R pyright: Optic[TraversalKind, Any, Any]
    reveal_type(each() >> attr("name"))  # R mypy: Optic[Any, Any, Any]  # R pyright: Optic[TraversalKind, Any, Any]
    reveal_type(item("user") >> key("name"))  # R mypy: Optic[Any, Any, Any]  # R pyright: Optic[AffineKind, Any, Any]
    reveal_type(users >> key("name"))  # R mypy: Optic[Any, Any, Any]  # R pyright: Optic[LensKind, dict[str, Any], Any]
    # Without Any in the right operand mypy keeps the kind too:
    reveal_type(key("name") >> getter(len))  # R: Optic[GetterKind, Any, int]


def kinds_still_guard_operations(data: dict[str, Any]) -> None:
    # mypy lets these through (run time raises UnsupportedOperation); pyright rejects them.
    (key("users") >> each()).get(data)  # E pyright: reportAttributeAccessIssue  # E pyright: reportUnknownMemberType
    (item("user") >> key("name")).get(data)  # E pyright: reportAttributeAccessIssue  # E pyright: reportUnknownMemberType
    (key("users") >> key("n")).review(1)  # E pyright: reportAttributeAccessIssue  # E pyright: reportUnknownMemberType
