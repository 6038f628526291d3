"""Custom optics from lambdas: mypy cannot type an unannotated lambda on its own, so the optic
is ``Any``-typed (usable, unchecked) until the variable is annotated, which types the lambdas.

Type-checked by tests/product/test_typing_optics.py, never run. ``# R:`` marks what ``reveal_type``
must show on its line, ``# E:`` the error code mypy must report there.
"""

from typing import reveal_type

from dualtrack import Getter, Lens, getter, lens

reveal_type(lens(lambda s: s.name, lambda s, a: s))  # R: Optic[LensKind, Any, Any]
reveal_type(getter(lambda s: s["n"]))  # R: Optic[GetterKind, Any, Any]
count: Lens[dict[str, int], int] = lens(lambda s: s["n"], lambda s, a: {**s, "n": a})
reveal_type(count)  # R: Optic[LensKind, dict[str, int], int]
count.set({"n": 1}, "two")  # E: arg-type
Counts = dict[str, int]
bad: Lens[Counts, str] = lens(lambda s: s["n"], lambda s, a: s)  # E: return-value  # E: arg-type
size: Getter[str, int] = getter(lambda s: len(s))
reveal_type(size.get("abc"))  # R: int
