"""The recording proxy a route runs on once: it notes field, key and position steps, and refuses
everything else (a call, arithmetic, a comparison, a condition, reading the value...) by name.

Each step returns a new proxy, so a proxy is an immutable point on the route: its steps so far,
the type declared there, and how the user wrote it (``p.address.city``) for messages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple, NoReturn

from dualtrack.errors import InvalidPath
from dualtrack.optics.paths import shapes
from dualtrack.optics.steps import Spec

GUIDE = (
    "a route may only read fields (p.name), keys (p['key']) and positions (p.items[0]), and "
    "reach through every(...) and present(...)"
)


class Recording:
    """One run of a route: what it is called in messages, and the first refusal it met (kept,
    so that a route swallowing the error is refused all the same)."""

    __slots__ = ("label", "refusal")

    def __init__(self, label: str) -> None:
        self.label = label
        self.refusal: InvalidPath | None = None

    def refuse(self, what: str) -> NoReturn:
        """Raise (and remember) the refusal of this route for doing ``what``."""
        error = InvalidPath(f"{self.label} is not a path: it {what}; {GUIDE}")
        if self.refusal is None:
            self.refusal = error
        raise error


class Point(NamedTuple):
    """Where a proxy stands: the recording, the steps from the source, the declared type there
    (``Any`` when unknown), and the expression that reached it."""

    recording: Recording
    steps: tuple[Spec, ...]
    declared: Any
    text: str


def point_of(value: object) -> Point | None:
    """The point a recording proxy stands on, or ``None`` for any other value."""
    if type(value) is Proxy:
        point: Point = object.__getattribute__(value, "_point")
        return point
    return None


class Proxy:
    """A stand-in for the source while a route records: see the module docstring."""

    __slots__ = ("_point",)

    def __init__(self, point: Point) -> None:
        object.__setattr__(self, "_point", point)

    def __getattribute__(self, name: str) -> Any:
        point: Point = object.__getattribute__(self, "_point")
        if name == "__class__":
            return Proxy
        text = f"{point.text}.{name}"
        if name.startswith("__") and name.endswith("__"):
            point.recording.refuse(f"reads {text}, which is not a field")
        if name == "get" and not isinstance(point.declared, shapes.MaybeMissing):
            method = shapes.get_method(point.declared)
            if method is not None:
                return Proxy(point._replace(declared=method, text=text))
        _refuse_pending(point, f".{name}")
        try:
            declared = shapes.field(point.declared, name)
        except shapes.MethodRefusal as refusal:
            return Proxy(point._replace(declared=shapes.Method(str(refusal)), text=text))
        except shapes.Refusal as refusal:
            point.recording.refuse(f"reads {text}, but {refusal}")
        return Proxy(Point(point.recording, (*point.steps, ("attr", name)), declared, text))

    def __getitem__(self, key: object) -> Proxy:
        point: Point = object.__getattribute__(self, "_point")
        if point_of(key) is not None:
            point.recording.refuse(
                f"looks up {point.text}[...] with a key read from the source itself"
            )
        text = f"{point.text}[{key!r}]"
        _refuse_pending(point, f"[{key!r}]")
        try:
            spec, declared = shapes.subscript(point.declared, key)
        except shapes.Refusal as refusal:
            point.recording.refuse(f"looks up {text}, but {refusal}")
        return Proxy(Point(point.recording, (*point.steps, spec), declared, text))

    def __call__(self, *arguments: object, **keywords: object) -> Proxy:
        point: Point = object.__getattribute__(self, "_point")
        shown = ", ".join(
            [*map(_show, arguments), *(f"{k}={_show(v)}" for k, v in keywords.items())]
        )
        call = f"{point.text}({shown})"
        if isinstance(point.declared, shapes.Method):
            point.recording.refuse(f"calls {call}: {point.declared.refusal}")
        if not isinstance(point.declared, shapes.GetMethod):
            point.recording.refuse(f"calls {call}")
        if keywords or len(arguments) != 1:
            point.recording.refuse(
                f"calls {call}: a default is not a path; use present({point.text}(key))"
            )
        (key,) = arguments
        if point_of(key) is not None:
            point.recording.refuse(f"calls {call} with a key read from the source itself")
        try:
            spec, declared = shapes.lookup(point.declared, key)
        except shapes.Refusal as refusal:
            point.recording.refuse(f"calls {call}, but {refusal}")
        return Proxy(Point(point.recording, (*point.steps, spec), declared, call))

    def __repr__(self) -> str:
        point: Point = object.__getattribute__(self, "_point")
        return f"<route {point.text}>"


def _show(value: object) -> str:
    point = point_of(value)
    return point.text if point is not None else repr(value)


def _refuse_pending(point: Point, step: str) -> None:
    """Refuse a step after a method, ``m.get`` or ``m.get(k)`` (which only ``present`` may
    follow)."""
    if isinstance(point.declared, shapes.Method):
        point.recording.refuse(f"reads {point.text}, but {point.declared.refusal}")
    if isinstance(point.declared, shapes.GetMethod):
        point.recording.refuse(f"reads {point.text}{step}: {point.text} is a method")
    if isinstance(point.declared, shapes.MaybeMissing):
        point.recording.refuse(
            f"reads {point.text}{step}, but {point.text} may be missing: reach through it "
            f"with present({point.text}, ...)"
        )


def refuse_unfinished(point: Point) -> None:
    """Refuse a route that ends on a method, ``m.get`` or ``m.get(k)`` instead of a focus."""
    if isinstance(point.declared, shapes.Method):
        point.recording.refuse(f"reads {point.text}, but {point.declared.refusal}")
    if isinstance(point.declared, shapes.GetMethod):
        point.recording.refuse(f"ends on {point.text}, a method; call it inside present(...)")
    if isinstance(point.declared, shapes.MaybeMissing):
        point.recording.refuse(
            f"ends on {point.text}, which may be missing: wrap it as present({point.text})"
        )


def _refuser(name: str, what: str) -> Callable[..., NoReturn]:
    def refuse(self: Proxy, *arguments: object) -> NoReturn:
        point: Point = object.__getattribute__(self, "_point")
        others = ", ".join(_show(a) for a in arguments)
        point.recording.refuse(what.format(this=point.text, other=others))

    refuse.__name__ = name
    return refuse


_OPERATORS = {
    "add": "+",
    "sub": "-",
    "mul": "*",
    "matmul": "@",
    "truediv": "/",
    "floordiv": "//",
    "mod": "%",
    "divmod": "divmod",
    "pow": "**",
    "lshift": "<<",
    "rshift": ">>",
    "and": "&",
    "xor": "^",
    "or": "|",
}
_COMPARISONS = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
_READS = {
    "__bool__": "asks whether {this} is true (an if, a conditional expression, and, or, not)",
    "__len__": "asks len({this})",
    "__iter__": "iterates over {this} (to reach every element, use every({this}))",
    "__reversed__": "reverses {this}",
    "__contains__": "asks whether {other} is in {this}",
    "__hash__": "hashes {this}",
    "__str__": "reads the value of {this} as text",
    "__format__": "formats the value of {this}",
    "__bytes__": "reads the value of {this} as bytes",
    "__int__": "reads the value of {this} as a number",
    "__float__": "reads the value of {this} as a number",
    "__complex__": "reads the value of {this} as a number",
    "__index__": "uses the value of {this} as an index",
    "__round__": "rounds {this}",
    "__trunc__": "truncates {this}",
    "__floor__": "rounds {this} down",
    "__ceil__": "rounds {this} up",
    "__neg__": "negates {this}",
    "__pos__": "applies unary + to {this}",
    "__abs__": "takes abs({this})",
    "__invert__": "inverts {this} (~)",
    "__setattr__": "assigns to a field of {this}",
    "__delattr__": "deletes a field of {this}",
    "__setitem__": "assigns to {this}[{other}]",
    "__delitem__": "deletes {this}[{other}]",
    "__enter__": "enters {this} as a context manager",
    "__exit__": "exits {this} as a context manager",
    "__await__": "awaits {this}",
    "__aiter__": "iterates over {this} asynchronously",
    "__next__": "asks for the next value of {this}",
    "__copy__": "copies {this}",
    "__deepcopy__": "copies {this}",
    "__reduce__": "pickles {this}",
    "__reduce_ex__": "pickles {this}",
    "__fspath__": "uses {this} as a file path",
    "__length_hint__": "asks the length of {this}",
}


def _install_refusals() -> None:
    refusals = dict(_READS)
    for name, symbol in _OPERATORS.items():
        arithmetic = f"computes {{this}} {symbol} {{other}}"
        refusals[f"__{name}__"] = arithmetic
        refusals[f"__r{name}__"] = f"computes {{other}} {symbol} {{this}}"
        refusals[f"__i{name}__"] = arithmetic.replace(symbol, f"{symbol}=")
    for name, symbol in _COMPARISONS.items():
        refusals[f"__{name}__"] = f"compares {{this}} {symbol} {{other}}"
    for name, what in refusals.items():
        setattr(Proxy, name, _refuser(name, what))


_install_refusals()
