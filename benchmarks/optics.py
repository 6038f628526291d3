"""Optics against hand-written Python, python-lenses and toolz, measured in one run.

Run: ``.venv/bin/python benchmarks/optics.py`` (needs the ``bench`` extra: lenses, toolz).
Prints ns per operation (best of several repeats), the ratio to the hand-written baseline, and
for typed paths the ratio to the same structural chain (``attr``/``key``) built by name.
"""

from __future__ import annotations

import dataclasses
import timeit
from collections.abc import Callable
from typing import Any, TypedDict

import lenses
import toolz

from dualtrack import attr, key, path
from dualtrack.optics.paths import build

REPEATS = 7


@dataclasses.dataclass(frozen=True)
class Inner:
    value: int
    note: str = "n"


@dataclasses.dataclass(frozen=True)
class Middle:
    inner: Inner
    size: int = 2


@dataclasses.dataclass(frozen=True)
class Outer:
    middle: Middle
    name: str = "o"


class Leaf(TypedDict):
    c: int
    d: int


class Branch(TypedDict):
    b: Leaf
    e: int


class Document(TypedDict):
    a: Branch
    f: int


def best_ns(operation: Callable[[], Any]) -> float:
    """Nanoseconds per call: the best of several timed batches."""
    timer = timeit.Timer(operation)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=REPEATS, number=number)) / number * 1e9


def paired_ratio(operation: Callable[[], Any], baseline: Callable[[], Any]) -> float:
    """``operation``'s time over ``baseline``'s, the best of batches timed in alternation, so
    that a busy moment of the machine weighs on both alike."""
    timers = timeit.Timer(operation), timeit.Timer(baseline)
    number, _ = timers[1].autorange()
    best = [float("inf"), float("inf")]
    for _ in range(REPEATS * 2):
        for which, timer in enumerate(timers):
            best[which] = min(best[which], timer.timeit(number))
    return best[0] / best[1]


def increment(n: int) -> int:
    return n + 1


def typed_record_path() -> Any:
    """Build the typed path as code that builds it on every call does: the second build of the
    same route is a cache lookup."""
    return path(Outer, lambda o: o.middle.inner.value)


def first_typed_build() -> Any:
    """Build the typed path as the first call does: record the route on a proxy and compile."""
    build._BUILT.clear()
    return path(Outer, lambda o: o.middle.inner.value)


def rows() -> list[tuple[str, str, Callable[[], Any]]]:
    data: Document = {"a": {"b": {"c": 1, "d": 2}, "e": 3}, "f": 4}
    record = Outer(Middle(Inner(1)))
    dict_path = key("a") >> key("b") >> key("c")
    record_path = attr("middle") >> attr("inner") >> attr("value")
    typed_dict_path = path(Document, lambda doc: doc["a"]["b"]["c"])
    typed_record = typed_record_path()
    dict_lens = lenses.lens["a"]["b"]["c"]
    record_lens = lenses.lens.middle.inner.value
    names = ["a", "b", "c"]
    replace = dataclasses.replace
    return [
        ("dict get", "hand-written", lambda: data["a"]["b"]["c"]),
        ("dict get", "dualtrack", lambda: dict_path.get(data)),
        ("dict get", "typed path", lambda: typed_dict_path.get(data)),
        ("dict get", "python-lenses", lambda: dict_lens.get()(data)),
        ("dict get", "toolz get_in", lambda: toolz.get_in(names, data)),
        (
            "dict set",
            "hand-written",
            lambda: {**data, "a": {**data["a"], "b": {**data["a"]["b"], "c": 5}}},
        ),
        ("dict set", "dualtrack", lambda: dict_path.set(data, 5)),
        ("dict set", "typed path", lambda: typed_dict_path.set(data, 5)),
        ("dict set", "python-lenses", lambda: dict_lens.set(5)(data)),
        ("dict set", "toolz assoc_in", lambda: toolz.assoc_in(data, names, 5)),
        (
            "dict modify",
            "hand-written",
            lambda: {
                **data,
                "a": {**data["a"], "b": {**data["a"]["b"], "c": increment(data["a"]["b"]["c"])}},
            },
        ),
        ("dict modify", "dualtrack", lambda: dict_path.modify(data, increment)),
        ("dict modify", "python-lenses", lambda: dict_lens.modify(increment)(data)),
        ("dict modify", "toolz update_in", lambda: toolz.update_in(data, names, increment)),
        ("dataclass get", "hand-written", lambda: record.middle.inner.value),
        ("dataclass get", "dualtrack", lambda: record_path.get(record)),
        ("dataclass get", "typed path", lambda: typed_record.get(record)),
        ("dataclass get", "python-lenses", lambda: record_lens.get()(record)),
        (
            "dataclass set",
            "hand-written",
            lambda: replace(
                record, middle=replace(record.middle, inner=replace(record.middle.inner, value=5))
            ),
        ),
        ("dataclass set", "dualtrack", lambda: record_path.set(record, 5)),
        ("dataclass set", "typed path", lambda: typed_record.set(record, 5)),
        ("dataclass set", "python-lenses", lambda: record_lens.set(5)(record)),
        (
            "dataclass modify",
            "hand-written",
            lambda: replace(
                record,
                middle=replace(
                    record.middle,
                    inner=replace(record.middle.inner, value=increment(record.middle.inner.value)),
                ),
            ),
        ),
        ("dataclass modify", "dualtrack", lambda: record_path.modify(record, increment)),
        ("dataclass modify", "python-lenses", lambda: record_lens.modify(increment)(record)),
        ("build 3-step optic", "dualtrack", lambda: key("a") >> key("b") >> key("c")),
        (
            "build 3-step optic",
            "dualtrack attr",
            lambda: attr("middle") >> attr("inner") >> attr("value"),
        ),
        ("build 3-step optic", "typed path", typed_record_path),
        ("build 3-step optic", "typed, first build", first_typed_build),
        ("build 3-step optic", "python-lenses", lambda: lenses.lens["a"]["b"]["c"]),
        (
            "build + first get",
            "dualtrack",
            lambda: (key("a") >> key("b") >> key("c")).get(data),
        ),
        ("build + first get", "python-lenses", lambda: lenses.lens["a"]["b"]["c"].get()(data)),
    ]


#: The structural chain each typed path is compared with, by operation.
CHAINS = {"build 3-step optic": "dualtrack attr"}


def main() -> None:
    baselines: dict[str, float] = {}
    chains: dict[str, Callable[[], Any]] = {}
    header = f"{'operation':<20} {'implementation':<20} {'ns/op':>10} {'ratio':>8} {'vs chain':>9}"
    print(header)
    for operation, implementation, run in rows():
        ns = best_ns(run)
        if implementation == "hand-written":
            baselines[operation] = ns
        if implementation == CHAINS.get(operation, "dualtrack"):
            chains[operation] = run
        base = baselines.get(operation)
        ratio = f"{ns / base:7.2f}x" if base else "       -"
        chain = chains.get(operation)
        typed = implementation.startswith("typed") and chain is not None
        versus = f"{paired_ratio(run, chain):8.2f}x" if typed and chain else ""
        print(f"{operation:<20} {implementation:<20} {ns:>10.0f} {ratio} {versus}")


if __name__ == "__main__":
    main()
