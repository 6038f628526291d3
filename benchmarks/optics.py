"""Optics against hand-written Python, python-lenses and toolz, measured in one run.

Run: ``.venv/bin/python benchmarks/optics.py`` (needs the ``bench`` extra: lenses, toolz).
Prints ns per operation (best of several repeats) and the ratio to the hand-written baseline.
"""

from __future__ import annotations

import dataclasses
import timeit
from collections.abc import Callable
from typing import Any

import lenses
import toolz

from dualtrack import attr, key

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


def best_ns(operation: Callable[[], Any]) -> float:
    """Nanoseconds per call: the best of several timed batches."""
    timer = timeit.Timer(operation)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=REPEATS, number=number)) / number * 1e9


def increment(n: int) -> int:
    return n + 1


def rows() -> list[tuple[str, str, Callable[[], Any]]]:
    data = {"a": {"b": {"c": 1, "d": 2}, "e": 3}, "f": 4}
    record = Outer(Middle(Inner(1)))
    dict_path = key("a") >> key("b") >> key("c")
    record_path = attr("middle") >> attr("inner") >> attr("value")
    dict_lens = lenses.lens["a"]["b"]["c"]
    record_lens = lenses.lens.middle.inner.value
    path = ["a", "b", "c"]
    replace = dataclasses.replace
    return [
        ("dict get", "hand-written", lambda: data["a"]["b"]["c"]),
        ("dict get", "dualtrack", lambda: dict_path.get(data)),
        ("dict get", "python-lenses", lambda: dict_lens.get()(data)),
        ("dict get", "toolz get_in", lambda: toolz.get_in(path, data)),
        (
            "dict set",
            "hand-written",
            lambda: {**data, "a": {**data["a"], "b": {**data["a"]["b"], "c": 5}}},
        ),
        ("dict set", "dualtrack", lambda: dict_path.set(data, 5)),
        ("dict set", "python-lenses", lambda: dict_lens.set(5)(data)),
        ("dict set", "toolz assoc_in", lambda: toolz.assoc_in(data, path, 5)),
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
        ("dict modify", "toolz update_in", lambda: toolz.update_in(data, path, increment)),
        ("dataclass get", "hand-written", lambda: record.middle.inner.value),
        ("dataclass get", "dualtrack", lambda: record_path.get(record)),
        ("dataclass get", "python-lenses", lambda: record_lens.get()(record)),
        (
            "dataclass set",
            "hand-written",
            lambda: replace(
                record, middle=replace(record.middle, inner=replace(record.middle.inner, value=5))
            ),
        ),
        ("dataclass set", "dualtrack", lambda: record_path.set(record, 5)),
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
        ("build 3-step optic", "python-lenses", lambda: lenses.lens["a"]["b"]["c"]),
        (
            "build + first get",
            "dualtrack",
            lambda: (key("a") >> key("b") >> key("c")).get(data),
        ),
        ("build + first get", "python-lenses", lambda: lenses.lens["a"]["b"]["c"].get()(data)),
    ]


def main() -> None:
    baselines: dict[str, float] = {}
    print(f"{'operation':<20} {'implementation':<18} {'ns/op':>10} {'ratio':>8}")
    for operation, implementation, run in rows():
        ns = best_ns(run)
        if implementation == "hand-written":
            baselines[operation] = ns
        base = baselines.get(operation)
        ratio = f"{ns / base:7.2f}x" if base else "       -"
        print(f"{operation:<20} {implementation:<18} {ns:>10.0f} {ratio}")


if __name__ == "__main__":
    main()
