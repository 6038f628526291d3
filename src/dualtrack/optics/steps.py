"""Structural steps (``key``, ``index``, ``attr``) and the fused functions a chain of them gets.

Composing structural optics concatenates their steps, and the chain is compiled once into one
plain function per operation (``s[a][b][c]``, a dotted ``attrgetter``, an unrolled copy-on-write
``set``), so a prebuilt path costs about what the hand-written expression does. When a fused
getter fails, the chain is walked once more, step by step, to name the step that failed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import attrgetter, itemgetter
from typing import Any

from dualtrack.errors import OpticError
from dualtrack.optics.updates import (
    field_updater,
    missing_field,
    missing_key,
    normalise_index,
    not_a,
    set_index,
    set_key,
)

Getter = Callable[[Any], Any]
Setter = Callable[[Any, Any], Any]
Modifier = Callable[[Any, Callable[[Any], Any]], Any]
LOOKUP_FAILURES = (LookupError, TypeError, AttributeError)


class Step:
    """One structural step: how to read it, how to write it, and how to explain a failure."""

    __slots__ = ("describe", "name", "put", "read", "subscript")

    def __init__(
        self,
        describe: str,
        read: Getter,
        put: Setter,
        *,
        subscript: object = None,
        name: str | None = None,
    ) -> None:
        self.describe = describe
        self.read = read
        self.put = put
        self.subscript = subscript
        self.name = name

    def explain(self, value: Any) -> OpticError | None:
        """The typed error this step raises on ``value``, or ``None`` if it reads fine."""
        try:
            self.read(value)
        except OpticError as error:
            return error
        except KeyError:
            if isinstance(value, Mapping):
                return missing_key(self.subscript, value)
            return not_a("a mapping", value)
        except IndexError:
            try:
                normalise_index(self.subscript, value)  # type: ignore[arg-type]
            except OpticError as error:
                return error
            return not_a("a sequence", value)
        except AttributeError:
            return missing_field(value, self.name or "")
        except TypeError:
            expected = "an object with attributes" if self.name else "a subscriptable container"
            return not_a(expected, value)
        return None


def key_step(key: Any) -> Step:
    """The step of ``key(k)``: a mapping's existing key."""
    return Step(
        f"key({key!r})",
        itemgetter(key),
        lambda mapping, value: set_key(mapping, key, value),
        subscript=key,
    )


def index_step(index: int) -> Step:
    """The step of ``index(i)``: a sequence position, negative from the end."""

    def read(sequence: Any) -> Any:
        if isinstance(sequence, Mapping) or not isinstance(sequence, Sequence):
            raise not_a("a sequence", sequence)
        return sequence[index]

    def put(sequence: Any, value: Any) -> Any:
        return set_index(sequence, index, value)

    return Step(f"index({index})", read, put, subscript=index)


def attr_step(name: str) -> Step:
    """The step of ``attr(name)``: a record field, updated by building a new record."""
    updaters: dict[type, Setter] = {}

    def put(obj: Any, value: Any) -> Any:
        kind = type(obj)
        update = updaters.get(kind)
        if update is None:
            update = updaters[kind] = field_updater(kind, name)
        return update(obj, value)

    return Step(f"attr({name!r})", attrgetter(name), put, name=name)


def explain(steps: tuple[Step, ...], path: str, value: Any, error: Exception) -> Exception:
    """The typed error for the first step of ``steps`` that fails on ``value``."""
    for step in steps:
        problem = step.explain(value)
        if problem is not None:
            return problem.within(path)
        value = step.read(value)
    return error


def fuse_get(steps: tuple[Step, ...], path: str) -> Getter:
    """One function reading through every step."""
    read: Getter
    if all(step.name is not None for step in steps):
        read = attrgetter(".".join(step.name for step in steps if step.name))
    elif len(steps) == 1:
        read = steps[0].read
    else:
        read = _chain_reads(tuple(step.read for step in steps), steps)

    def get(source: Any) -> Any:
        try:
            return read(source)
        except LOOKUP_FAILURES as error:
            raise explain(steps, path, source, error) from None

    return get


def _chain_reads(reads: tuple[Getter, ...], steps: tuple[Step, ...]) -> Getter:
    keys = [step.subscript for step in steps]
    if all(step.read.__class__ is itemgetter for step in steps):
        if len(keys) == 2:
            a, b = keys
            return lambda s: s[a][b]
        if len(keys) == 3:
            a, b, c = keys
            return lambda s: s[a][b][c]
        if len(keys) == 4:
            a, b, c, d = keys
            return lambda s: s[a][b][c][d]

    def read_each(source: Any) -> Any:
        for read in reads:
            source = read(source)
        return source

    return read_each


def fuse_set(steps: tuple[Step, ...], path: str) -> Setter:
    """One function writing through every step, copying each container on the way back."""
    reads = tuple(step.read for step in steps)
    puts = tuple(step.put for step in steps)

    if len(steps) == 1:
        (put_a,) = puts

        def set_one(s: Any, value: Any) -> Any:
            try:
                return put_a(s, value)
            except OpticError as error:
                raise error.within(path) from None

        return set_one

    if len(steps) == 2:
        (read_a, _), (put_a, put_b) = reads, puts

        def set_two(s: Any, value: Any) -> Any:
            try:
                a = read_a(s)
            except LOOKUP_FAILURES as error:
                raise explain(steps, path, s, error) from None
            try:
                return put_a(s, put_b(a, value))
            except OpticError as error:
                raise error.within(path) from None

        return set_two

    if len(steps) == 3:
        (read_a, read_b, _), (put_a, put_b, put_c) = reads, puts

        def set_three(s: Any, value: Any) -> Any:
            try:
                a = read_a(s)
                b = read_b(a)
            except LOOKUP_FAILURES as error:
                raise explain(steps, path, s, error) from None
            try:
                return put_a(s, put_b(a, put_c(b, value)))
            except OpticError as error:
                raise error.within(path) from None

        return set_three

    def set_many(s: Any, value: Any) -> Any:
        containers = [s]
        try:
            for read in reads[:-1]:
                containers.append(read(containers[-1]))
        except LOOKUP_FAILURES as error:
            raise explain(steps, path, s, error) from None
        try:
            for put, container in zip(reversed(puts), reversed(containers), strict=True):
                value = put(container, value)
        except OpticError as error:
            raise error.within(path) from None
        return value

    return set_many


def fuse_modify(steps: tuple[Step, ...], path: str, get: Getter, set_: Setter) -> Modifier:
    """Read through the steps, apply ``f`` outside any error handling, write back."""
    if len(steps) == 1:
        (put_a,) = (step.put for step in steps)

        def modify_one(s: Any, f: Callable[[Any], Any]) -> Any:
            value = f(get(s))
            try:
                return put_a(s, value)
            except OpticError as error:
                raise error.within(path) from None

        return modify_one
    return lambda s, f: set_(s, f(get(s)))
