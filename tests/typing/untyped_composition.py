"""Structural optics are ``Any``-typed in source and focus, but their kinds still compose.

Type-checked by tests/product/test_typing_optics.py, never run; a known gap for now (see KNOWN_GAPS
there). ``# R:`` marks what ``reveal_type`` must show on its line, ``# E:`` the error code mypy
must report there.
"""

from typing import Any, reveal_type

from dualtrack import Lens, attr, each, getter, index, item, key


def structural_paths(users: Lens[dict[str, Any], Any]) -> None:
    reveal_type(key("user") >> key("name"))  # R: Optic[LensKind, Any, Any]
    reveal_type(key("users") >> index(-1) >> attr("name"))  # R: Optic[LensKind, Any, Any]
    reveal_type(key("users") >> each())  # R: Optic[TraversalKind, Any, Any]
    reveal_type(each() >> attr("name"))  # R: Optic[TraversalKind, Any, Any]
    reveal_type(item("user") >> key("name"))  # R: Optic[AffineKind, Any, Any]
    reveal_type(key("name") >> getter(len))  # R: Optic[GetterKind, Any, int]
    reveal_type(users >> key("name"))  # R: Optic[LensKind, dict[str, Any], Any]


def kinds_still_guard_operations(data: dict[str, Any]) -> None:
    (key("users") >> each()).get(data)  # E: misc: attribute function "get"
    (item("user") >> key("name")).get(data)  # E: misc: attribute function "get"
    (key("users") >> key("n")).review(1)  # E: misc: attribute function "review"
