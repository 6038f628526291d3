"""The optic kinds as a lattice of phantom marker classes.

A subclass is a stronger kind: every ``Iso`` is a ``Lens`` and a ``Prism``, every ``Lens`` is an
``Affine`` and a ``Getter``, and so on down to ``Fold`` and ``Setter``. ``Optic`` carries one of
these as a covariant type parameter, so mypy accepts a stronger optic where a weaker one is asked.
"""

from __future__ import annotations


class FoldKind:
    """Reads zero or more foci: ``get_all``, ``preview``."""


class SetterKind:
    """Writes zero or more foci: ``set``, ``modify``."""


class GetterKind(FoldKind):
    """Reads exactly one focus: ``get``."""


class TraversalKind(FoldKind, SetterKind):
    """Reads and writes zero or more foci."""


class AffineKind(TraversalKind):
    """Reads and writes zero or one focus: ``preview`` returns a ``Maybe``."""


class PrismKind(AffineKind):
    """A partial focus that can also build the whole from a part: ``review``."""


class LensKind(AffineKind, GetterKind):
    """Exactly one focus, read and written: ``get``, ``set``, ``modify``."""


class IsoKind(LensKind, PrismKind):
    """A lossless two-way conversion: a lens and a prism at once."""


#: Kinds from strongest to weakest; the composition of two optics has the first kind in this
#: order that both of them are (the same order as ``Optic.__rshift__``'s overloads).
ORDER: tuple[type, ...] = (
    IsoKind,
    LensKind,
    PrismKind,
    GetterKind,
    AffineKind,
    TraversalKind,
    FoldKind,
    SetterKind,
)

NAMES: dict[type, str] = {
    IsoKind: "Iso",
    LensKind: "Lens",
    PrismKind: "Prism",
    GetterKind: "Getter",
    AffineKind: "Affine",
    TraversalKind: "Traversal",
    FoldKind: "Fold",
    SetterKind: "Setter",
}


def with_article(name: str) -> str:
    """A kind's name with its indefinite article, for messages.

    >>> with_article("Affine"), with_article("Lens"), with_article("Iso")
    ('an Affine', 'a Lens', 'an Iso')
    """
    return f"{'an' if name[:1] in 'AEIOU' else 'a'} {name}"


def _strongest_common(first: type, second: type) -> type | None:
    for kind in ORDER:
        if issubclass(first, kind) and issubclass(second, kind):
            return kind
    return None


_JOINS = {(first, second): _strongest_common(first, second) for first in ORDER for second in ORDER}


def join(first: type, second: type) -> type | None:
    """The strongest kind that both kinds are, or ``None`` when they share none.

    >>> NAMES[join(LensKind, PrismKind)]
    'Affine'
    >>> join(GetterKind, SetterKind) is None
    True
    """
    return _JOINS[first, second]
