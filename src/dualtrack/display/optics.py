"""Pictures of optics: an optic's steps with their kinds, the kind lattice, and what ``>>`` of
two kinds gives."""

from __future__ import annotations

from typing import Any

from dualtrack.display.drawing import Drawing, Html
from dualtrack.display.html import escape, table
from dualtrack.display.svg import Canvas, shorten, text_width
from dualtrack.optics import Optic
from dualtrack.optics.kinds import (
    NAMES,
    ORDER,
    FoldKind,
    GetterKind,
    PrismKind,
    SetterKind,
    join,
)
from dualtrack.optics.steps import describe

#: A colour per kind, used for its outline and its name in every optic picture.
KIND_COLOURS: dict[str, str] = {
    "Iso": "#6a3d9a",
    "Lens": "#1f78b4",
    "Prism": "#33a02c",
    "Affine": "#b15928",
    "Getter": "#ff7f00",
    "Traversal": "#e31a1c",
    "Fold": "#8c6d31",
    "Setter": "#636363",
}

_KINDS_BY_NAME = {name: kind for kind, name in NAMES.items()}

#: Where each kind sits in the lattice picture (column, row): stronger kinds higher up.
_LATTICE = {
    "Iso": (2, 0),
    "Lens": (1, 1),
    "Prism": (3, 1),
    "Getter": (0, 2),
    "Affine": (2, 2),
    "Traversal": (2, 3),
    "Fold": (1, 4),
    "Setter": (3, 4),
}

#: Each kind and the kinds directly below it (every Iso is a Lens and a Prism, ...).
_BELOW = {
    "Iso": ("Lens", "Prism"),
    "Lens": ("Getter", "Affine"),
    "Prism": ("Affine",),
    "Getter": ("Fold",),
    "Affine": ("Traversal",),
    "Traversal": ("Fold", "Setter"),
}


def operations(kind: str) -> list[str]:
    """The operations an optic of ``kind`` has, in the order the docs list them.

    >>> operations("Affine")
    ['preview', 'get_all', 'set', 'modify']
    """
    marker = _KINDS_BY_NAME[kind]
    names = []
    if issubclass(marker, GetterKind):
        names.append("get")
    if issubclass(marker, FoldKind):
        names += ["preview", "get_all"]
    if issubclass(marker, SetterKind):
        names += ["set", "modify"]
    if issubclass(marker, PrismKind):
        names.append("review")
    return names


def compose_kinds(first: str, second: str) -> str | None:
    """The kind of ``a >> b`` for an ``a`` of kind ``first`` and a ``b`` of kind ``second``.

    >>> compose_kinds("Lens", "Prism"), compose_kinds("Getter", "Setter")
    ('Affine', None)
    """
    result = join(_KINDS_BY_NAME[first], _KINDS_BY_NAME[second])
    return None if result is None else NAMES[result]


def steps(optic: Optic[Any, Any, Any]) -> list[tuple[str, str]]:
    """The one-step optics ``optic`` is composed of, as ``(how it was built, kind)`` pairs.

    >>> from dualtrack import each, item, key
    >>> steps(key("a") >> item("b") >> each())
    [("key('a')", 'Lens'), ("item('b')", 'Affine'), ('each()', 'Traversal')]
    """
    parts = optic._parts
    if parts is not None:
        return steps(parts[0]) + steps(parts[1])
    structural = optic._steps
    if structural is not None:
        return [(describe(spec), "Lens") for spec in structural]
    return [(optic.path, optic.kind)]


def _step_box(canvas: Canvas, x: float, label: str, kind: str, width: float) -> None:
    colour = KIND_COLOURS[kind]
    canvas.box(x, 12, width, 46, stroke=colour, fill="#ffffff")
    canvas.text(x + width / 2, 31, label)
    canvas.text(x + width / 2, 49, kind, size=11, colour=colour, bold=True)


def optic_svg(optic: Optic[Any, Any, Any]) -> str:
    """The optic's steps left to right, each with its kind, and the kind of the whole with the
    operations it has."""
    parts = [(shorten(label, 28), kind) for label, kind in steps(optic)]
    widths = [max(text_width(label), text_width(kind)) + 20 for label, kind in parts]
    whole_ops = " ".join(operations(optic.kind))
    whole_width = max(text_width(whole_ops), text_width(optic.kind)) + 24
    total = sum(widths) + 34 * (len(parts) - 1) + 40 + whole_width + 24
    canvas = Canvas(total, 84, title=f"{optic.kind}: {optic.path}")
    x = 12.0
    for place, ((label, kind), width) in enumerate(zip(parts, widths, strict=True)):
        if place:
            canvas.text(x - 17, 39, ">>", colour="#777777")
        _step_box(canvas, x, label, kind, width)
        x += width + 34
    x -= 34
    canvas.text(x + 20, 39, "=", size=16, colour="#777777")
    x += 40
    colour = KIND_COLOURS[optic.kind]
    canvas.box(x, 8, whole_width, 54, stroke=colour, fill="#ffffff", thick=True)
    canvas.text(x + whole_width / 2, 31, optic.kind, size=14, colour=colour, bold=True)
    canvas.text(x + whole_width / 2, 50, whole_ops, size=11, colour="#555555")
    canvas.text(
        12,
        78,
        "kind of each step, and of the whole",
        size=10,
        anchor="start",
        colour="#888888",
        italic=True,
    )
    return canvas.render()


def kind_lattice(first: str | None = None, second: str | None = None) -> Drawing:
    """The eight kinds, stronger above weaker; with two kinds given, both are outlined and the
    kind of ``first >> second`` (the strongest kind below both) is filled in.

    >>> kind_lattice("Lens", "Prism")
    Lens >> Prism is an Affine
    """
    result = compose_kinds(first, second) if first and second else None
    column, row, box_w, box_h = 130.0, 70.0, 96.0, 34.0
    canvas = Canvas(4 * column + 20, 5 * row + 46, title="the optic kind lattice")

    def centre(kind: str) -> tuple[float, float]:
        col, line = _LATTICE[kind]
        return 10 + col * column + column / 2, 20 + line * row + box_h / 2

    for upper, lowers in _BELOW.items():
        ux, uy = centre(upper)
        for lower in lowers:
            lx, ly = centre(lower)
            canvas.arrow(ux, uy + box_h / 2, lx, ly - box_h / 2, colour="#999999")
    for kind in _LATTICE:
        cx, cy = centre(kind)
        colour = KIND_COLOURS[kind]
        chosen = kind in (first, second)
        fill = "#fff7bc" if kind == result else "#ffffff"
        canvas.box(
            cx - box_w / 2,
            cy - box_h / 2,
            box_w,
            box_h,
            stroke=colour,
            fill=fill,
            thick=chosen or kind == result,
        )
        canvas.text(cx, cy + 4, kind, size=13, colour=colour, bold=True)
    if first and second:
        caption = (
            f"{first} >> {second} is a{'n' if result and result[0] in 'AIEOU' else ''} {result}"
            if result
            else f"{first} >> {second}: no kind is below both (CompositionError)"
        )
    else:
        caption = "an arrow points to a weaker kind: every Iso is a Lens, every Lens an Affine"
    canvas.text(10, 5 * row + 36, caption, size=12, anchor="start", italic=True)
    return Drawing(canvas.render(), caption if first and second else "the optic kind lattice")


def composition_table() -> Html:
    """What ``a >> b`` gives for every pair of kinds (rows: ``a``, columns: ``b``)."""
    names = [NAMES[kind] for kind in ORDER]
    rows = []
    lines = []
    for first in names:
        cells = [escape(first)]
        for second in names:
            result = compose_kinds(first, second)
            if result is None:
                cells.append('<span style="color:#c51b8a">error</span>')
            else:
                colour = KIND_COLOURS[result]
                cells.append(f'<span style="color:{colour}">{escape(result)}</span>')
        rows.append(cells)
        lines.append(
            f"{first:>9}: " + " ".join(f"{compose_kinds(first, s) or '-':>9}" for s in names)
        )
    header = ["a >> b", *names]
    text = f"{'a >> b':>9}: " + " ".join(f"{name:>9}" for name in names) + "\n" + "\n".join(lines)
    return Html(table(rows, header=header, side_header=True), text)
