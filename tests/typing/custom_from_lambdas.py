"""Custom optics from lambdas: mypy cannot type an unannotated lambda on its own, so the optic
is ``Any``-typed (usable, unchecked) until the variable is annotated, which types the lambdas.

Type-checked by tests/product/test_typing_optics.py, never run; the marks are explained in
tests/product/typing_checkers.py. pyright strict reports the unannotated lambdas themselves
(their parameters are unknown) and calls their focus ``Unknown``.
"""

from typing import reveal_type

from dualtrack import Getter, Lens, getter, lens

reveal_type(lens(lambda s: s.name, lambda s, a: s))  # R mypy: Optic[LensKind, Any, Any]  # R pyright: Optic[LensKind, Any, Unknown]  # E pyright: reportAttributeAccessIssue  # E pyright: reportUnknownArgumentType  # E pyright: reportUnknownLambdaType  # E pyright: reportUnknownMemberType
reveal_type(getter(lambda s: s["n"]))  # R mypy: Optic[GetterKind, Any, Any]  # R pyright: Optic[GetterKind, Any, Unknown]  # E pyright: reportIndexIssue  # E pyright: reportUnknownLambdaType
count: Lens[dict[str, int], int] = lens(lambda s: s["n"], lambda s, a: {**s, "n": a})
reveal_type(count)  # R: Optic[LensKind, dict[str, int], int]
count.set({"n": 1}, "two")  # E mypy: arg-type  # E pyright: reportArgumentType
Counts = dict[str, int]
bad: Lens[Counts, str] = lens(lambda s: s["n"], lambda s, a: s)  # E mypy: return-value  # E mypy: arg-type  # E pyright: reportIndexIssue  # E pyright: reportUnknownArgumentType  # E pyright: reportUnknownLambdaType  # E pyright: reportUnknownVariableType
size: Getter[str, int] = getter(lambda s: len(s))
reveal_type(size.get("abc"))  # R: int
