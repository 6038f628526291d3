"""Diagrams of arrows between labelled points (commuting squares) and timelines of events."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from dualtrack.display.drawing import Drawing
from dualtrack.display.svg import Canvas, edge_point, shorten, text_width

_CELL_W = 200.0
_CELL_H = 110.0


def diagram(
    nodes: Mapping[str, tuple[float, float]],
    arrows: Sequence[tuple[str, str, str]],
    *,
    caption: str = "",
    tones: Mapping[str, str] | None = None,
) -> Drawing:
    """Labelled points at grid positions ``(column, row)`` and labelled arrows between them:
    ``arrows`` holds ``(from, to, label)``. Two paths between the same points *commute* when
    they give the same result, which is what a law of composition says.

    >>> diagram({"A": (0, 0), "B": (1, 0)}, [("A", "B", "f")], caption="one arrow")
    one arrow: A -f-> B
    """
    tones = tones or {}
    columns = int(max(col for col, _ in nodes.values())) + 1
    rows = int(max(row for _, row in nodes.values())) + 1
    sizes = {name: (max(text_width(name) + 18, 44), 30.0) for name in nodes}
    widest_label = max((text_width(label) for _, _, label in arrows), default=0.0)
    cell_w = max(_CELL_W, max(width for width, _ in sizes.values()) + widest_label + 40)
    width = max(columns * cell_w + 40, text_width(caption) + 40)
    canvas = Canvas(width, rows * _CELL_H + (40 if caption else 10), title=caption or "diagram")
    centres = {
        name: (20 + col * cell_w + cell_w / 2, 10 + row * _CELL_H + _CELL_H / 2)
        for name, (col, row) in nodes.items()
    }
    middle_x = sum(x for x, _ in centres.values()) / len(centres)
    middle_y = sum(y for _, y in centres.values()) / len(centres)
    for start, end, label in arrows:
        from_x, from_y = edge_point(centres[start], sizes[start], centres[end])
        to_x, to_y = edge_point(centres[end], sizes[end], centres[start])
        # Labels go on the side of the arrow facing away from the middle of the diagram.
        angle = math.atan2(to_y - from_y, to_x - from_x)
        outward = math.sin(angle) * ((from_x + to_x) / 2 - middle_x) - math.cos(angle) * (
            (from_y + to_y) / 2 - middle_y
        )
        side = 1.0 if outward >= 0 else -1.0
        canvas.arrow(from_x, from_y, to_x, to_y, label=label, label_side=side)
    for name, (cx, cy) in centres.items():
        width, height = sizes[name]
        canvas.box(cx - width / 2, cy - height / 2, width, height, tone=tones.get(name, "plain"))
        canvas.text(cx, cy + 4, name)
    if caption:
        canvas.text(20, rows * _CELL_H + 28, caption, anchor="start", italic=True)
    described = "; ".join(f"{a} -{label}-> {b}" for a, b, label in arrows)
    return Drawing(canvas.render(), f"{caption}: {described}" if caption else described)


def commuting_square(
    corners: tuple[str, str, str, str],
    top: str,
    left: str,
    right: str,
    bottom: str,
    *,
    caption: str = "",
) -> Drawing:
    """Four corners (top-left, top-right, bottom-left, bottom-right) and the arrows
    ``top`` (across the top), ``left`` (down the left), ``right`` and ``bottom``: the square
    commutes when going right then down equals going down then right."""
    a, b, c, d = corners
    return diagram(
        {a: (0, 0), b: (1, 0), c: (0, 1), d: (1, 1)},
        [(a, b, top), (a, c, left), (b, d, right), (c, d, bottom)],
        caption=caption,
    )


def timeline(
    events: Sequence[tuple[str, str, str]], *, caption: str = "", lanes: Sequence[str] = ()
) -> Drawing:
    """Events in the order they happened, one column per lane (a task, a store...):
    ``events`` holds ``(lane, what happened, tone)`` with tone ``plain``, ``good`` or ``bad``.

    >>> timeline([("A", "load 0", "plain"), ("B", "save 1", "bad")])
    A: load 0 | B: save 1 (!)
    """
    order = list(lanes)
    for lane, _, _ in events:
        if lane not in order:
            order.append(lane)
    labels = [shorten(label, 34) for _, label, _ in events]
    lane_w = max([text_width(label) + 30 for label in labels + order] + [140.0])
    step = 34.0
    top = 44.0
    height = top + step * len(events) + (36 if caption else 12)
    width = max(lane_w * len(order), text_width(caption)) + 20
    canvas = Canvas(width, height, title=caption or "timeline")
    for place, lane in enumerate(order):
        x = 10 + place * lane_w + lane_w / 2
        canvas.text(x, 22, lane, bold=True)
        canvas.arrow(x, 30, x, top + step * len(events), colour="#cccccc", dashed=True)
    for row, ((lane, _, tone), label) in enumerate(zip(events, labels, strict=True)):
        x = 10 + order.index(lane) * lane_w + lane_w / 2
        y = top + row * step
        width = text_width(label) + 16
        canvas.box(x - width / 2, y, width, 24, tone=tone)
        canvas.text(x, y + 16, label)
    if caption:
        canvas.text(10, height - 12, caption, anchor="start", italic=True)
    text = " | ".join(
        f"{lane}: {label}{' (!)' if tone == 'bad' else ''}" for lane, label, tone in events
    )
    return Drawing(canvas.render(), text)
