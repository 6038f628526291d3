"""Typed paths: ``path(Person, lambda p: p.address.city)`` is a ``Lens[Person, str]`` to both
mypy and pyright, with no annotation, and the same fused optic as ``attr("address") >>
attr("city")`` at run time. ``every(...)`` and ``present(...)`` inside a route make it a
Traversal or an Affine. This package builds on the optics core and the core never imports it.
"""

from dualtrack.optics.paths.build import path
from dualtrack.optics.paths.markers import Every, Present, every, present

__all__ = ["Every", "Present", "every", "path", "present"]
