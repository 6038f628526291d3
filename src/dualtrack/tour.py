"""A short guided run through dualtrack, printing real results: ``python -m dualtrack tour``."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Coroutine
from typing import Any

from dualtrack import LawViolation, MissingKey, attr, each, index, item, json_codec, key, lens


@dataclasses.dataclass(frozen=True)
class Author:
    """A frozen record, updated through optics without mutation."""

    name: str
    tags: tuple[str, ...]


def show(label: str, value: object) -> None:
    """Print one result of the tour."""
    print(f"  {label:<44} {value!r}")


def optics() -> None:
    """Optics: compose with >>, read and write immutably, fail with typed errors."""
    print("== Optics ==")
    doc = {"user": {"name": "Ada", "langs": ["en", "fr"]}, "version": 1}
    name = key("user") >> key("name")
    show("name.get(doc)", name.get(doc))
    show("name.set(doc, 'Grace')", name.set(doc, "Grace"))
    show("doc is unchanged", doc)
    last_lang = key("user") >> key("langs") >> index(-1)
    show("last language, upper-cased", last_lang.modify(doc, str.upper))
    show("(key('user') >> item('email')).preview", (key("user") >> item("email")).preview(doc))
    try:
        (key("user") >> key("email")).get(doc)
    except MissingKey as error:
        show("key('email') on a missing key", str(error)[:60] + "...")
    author = Author("Ada", ("math", "engines"))
    show("attr('tags') >> each(), upper-cased", (attr("tags") >> each()).modify(author, str.upper))
    stored = b'{"tags":["a"],"n":1}'
    tags = json_codec() >> key("tags")
    show("(json_codec() >> key('tags')).set(bytes)", tags.set(stored, ["a", "b"]))
    show("kind of key >> item", (key("user") >> item("email")).kind)


def laws() -> None:
    """Laws: check your own optic by property; a broken one is caught with a shrunk input."""
    from hypothesis import strategies as st

    from laws.optics import check_lens

    print("== Laws ==")
    sources = st.fixed_dictionaries({"n": st.integers()})
    check_lens(key("n"), sources, st.integers())
    show("check_lens(key('n'), ...)", "all laws hold")
    broken = lens(lambda s: s["n"], lambda s, a: dict(s), name="ignores_its_value")
    try:
        check_lens(broken, sources, st.integers())
    except LawViolation as violation:
        show("check_lens(broken, ...) names the law", violation.law)
        show("...and the smallest input", violation.given)


SECTIONS: list[Callable[[], None | Coroutine[Any, Any, None]]] = [optics, laws]


def main() -> None:
    """Run every section of the tour in order."""
    for section in SECTIONS:
        outcome = section()
        if outcome is not None:
            asyncio.run(outcome)
        print()
