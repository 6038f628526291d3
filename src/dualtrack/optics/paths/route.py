"""A recorded route as an optic: runs of field, key and position steps become one fused
structural optic (the very optic ``attr("a") >> key("b")`` builds), joined by ``each()``,
``item(k)`` and the not-``None`` affine where the route went through ``every`` or ``present``.
"""

from __future__ import annotations

from typing import Any

from dualtrack.optics.absent import ABSENT
from dualtrack.optics.custom import identity
from dualtrack.optics.kinds import AffineKind, LensKind
from dualtrack.optics.optic import Optic
from dualtrack.optics.steps import Spec
from dualtrack.optics.structural import item
from dualtrack.optics.traversals import each

STRUCTURAL = frozenset({"attr", "key", "index"})

AnyOptic = Optic[Any, Any, Any]


def _first_present(value: Any) -> Any:
    return ABSENT if value is None else value


def _set_present(value: Any, new: Any) -> Any:
    return value if value is None else new


#: The Affine on a value that may be ``None``: no focus on ``None``, and setting leaves it so.
NOT_NONE: AnyOptic = Optic(AffineKind, "present()", {"first": _first_present, "set": _set_present})


def _special(spec: Spec) -> AnyOptic:
    how, what = spec
    if how == "each":
        return each()
    if how == "present":
        return NOT_NONE
    if how == "item":
        return item(what)
    raise ValueError(f"not a step of a route: {spec!r}")


def compile_route(steps: tuple[Spec, ...]) -> AnyOptic:
    """The optic a route's steps describe; a route of no steps is ``identity()``."""
    parts: list[AnyOptic] = []
    run: list[Spec] = []
    for spec in steps:
        if spec[0] in STRUCTURAL:
            run.append(spec)
            continue
        if run:
            parts.append(Optic(LensKind, None, steps=tuple(run)))
            run = []
        parts.append(_special(spec))
    if run:
        parts.append(Optic(LensKind, None, steps=tuple(run)))
    if not parts:
        return identity()
    optic = parts[0]
    for part in parts[1:]:
        optic = optic >> part
    return optic


def kind_of(steps: tuple[Spec, ...]) -> str:
    """The kind ``compile_route`` gives these steps: ``"lens"``, ``"affine"`` or
    ``"traversal"``, to compare with what the route's result told the type checker."""
    hows = {spec[0] for spec in steps}
    if "each" in hows:
        return "traversal"
    if hows & {"present", "item"}:
        return "affine"
    return "lens"
