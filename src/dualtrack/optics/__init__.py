"""Optics: composable, typed, immutable focus on parts of plain data."""

from dualtrack.optics.codecs import codec, json_codec
from dualtrack.optics.custom import (
    affine,
    fold,
    getter,
    identity,
    iso,
    lens,
    prism,
    setter,
    traversal,
)
from dualtrack.optics.kinds import (
    AffineKind,
    FoldKind,
    GetterKind,
    IsoKind,
    LensKind,
    PrismKind,
    SetterKind,
    TraversalKind,
)
from dualtrack.optics.optic import (
    Affine,
    Fold,
    Getter,
    Iso,
    Lens,
    Optic,
    Prism,
    Setter,
    Traversal,
)
from dualtrack.optics.structural import attr, index, item, key
from dualtrack.optics.traversals import each, filtered

__all__ = [
    "Affine",
    "AffineKind",
    "Fold",
    "FoldKind",
    "Getter",
    "GetterKind",
    "Iso",
    "IsoKind",
    "Lens",
    "LensKind",
    "Optic",
    "Prism",
    "PrismKind",
    "Setter",
    "SetterKind",
    "Traversal",
    "TraversalKind",
    "affine",
    "attr",
    "codec",
    "each",
    "filtered",
    "fold",
    "getter",
    "identity",
    "index",
    "item",
    "iso",
    "json_codec",
    "key",
    "lens",
    "prism",
    "setter",
    "traversal",
]
