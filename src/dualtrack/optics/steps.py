"""Structural steps (``key``, ``index``, ``attr``) and the fused functions a chain of them gets.

Composing structural optics concatenates their steps, and the chain is compiled once into one
plain function per operation (``s["a"].b[c]`` as one expression, an unrolled copy-on-write
``set``), so a prebuilt path costs about what the hand-written expression does. When a fused
getter fails, the chain is walked once more, step by step, to name the step that failed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import attrgetter, itemgetter
from typing import Any

from dualtrack.errors import OpticError
from dualtrack.optics.codegen import Access, compile_reader
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

#: What a structural optic records when built: the step's name and its argument. Steps are
#: built from specs only when the optic is first used, which keeps building optics cheap.
Spec = tuple[str, Any]


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

    def put(mapping: Any, value: Any) -> Any:
        if type(mapping) is dict and key in mapping:
            changed = mapping.copy()
            changed[key] = value
            return changed
        return set_key(mapping, key, value)

    return Step(f"key({key!r})", itemgetter(key), put, subscript=key)


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
    """One function reading through every step, as fast as the hand-written expression."""

    def explain_failure(source: Any, error: Exception) -> Exception:
        return explain(steps, path, source, error)

    accesses: list[Access] = []
    for step in steps:
        if step.name is not None:
            accesses.append(("attr", step.name))
        elif isinstance(step.read, itemgetter):
            accesses.append(("key", step.subscript))
        else:
            accesses.append(("call", step.read))
    return compile_reader(accesses, explain_failure)


def build(spec: Spec) -> Step:
    """The step a spec names: ``("key", k)``, ``("index", i)`` or ``("attr", name)``."""
    how, what = spec
    return _BUILDERS[how](what)


def describe(spec: Spec) -> str:
    """How a step reads in an optic's path: ``key('a')``, ``index(-1)``, ``attr('x')``."""
    return f"{spec[0]}({spec[1]!r})"


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


_BUILDERS: dict[str, Callable[[Any], Step]] = {
    "key": key_step,
    "index": index_step,
    "attr": attr_step,
}
