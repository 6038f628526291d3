"""A small SVG canvas: boxes, text and arrows, every piece of text escaped.

Drawings are plain strings built here, with no dependency and no system binary, so they render
the same in Jupyter, on a code host and in a file. Text is measured with a fixed per-character
width (the labels use a monospace font), which is all a box layout needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

#: Width and height of one character of the label font, in pixels.
CHAR_WIDTH = 7.2
LINE_HEIGHT = 15.0
FONT = "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace"

#: Fill and stroke colours by tone: what a box means in a drawing.
TONES: dict[str, tuple[str, str]] = {
    "plain": ("#f7f7f7", "#555555"),
    "good": ("#e5f5e0", "#238b45"),
    "bad": ("#fde0dd", "#c51b8a"),
    "muted": ("#ffffff", "#bbbbbb"),
    "focus": ("#fff7bc", "#d95f0e"),
}


def text_width(text: str) -> float:
    """The width ``text`` takes in the label font, in pixels."""
    return len(text) * CHAR_WIDTH


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when it was longer.

    >>> shorten("abcdefgh", 5)
    'abcd…'
    """
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


@dataclass
class Canvas:
    """An SVG picture drawn shape by shape; :meth:`render` gives the document."""

    width: float
    height: float
    title: str = ""
    shapes: list[str] = field(default_factory=list)

    def box(
        self,
        x: float,
        y: float,
        width: float,
        height: float,
        *,
        tone: str = "plain",
        fill: str | None = None,
        stroke: str | None = None,
        radius: float = 6.0,
        dashed: bool = False,
        thick: bool = False,
    ) -> None:
        """A rounded rectangle with its top-left corner at ``(x, y)``."""
        tone_fill, tone_stroke = TONES[tone]
        dash = ' stroke-dasharray="5 3"' if dashed else ""
        self.shapes.append(
            f'<rect x="{_number(x)}" y="{_number(y)}" width="{_number(width)}" '
            f'height="{_number(height)}" rx="{_number(radius)}" '
            f"fill={quoteattr(fill or tone_fill)} stroke={quoteattr(stroke or tone_stroke)} "
            f'stroke-width="{2.5 if thick else 1.2}"{dash}/>'
        )

    def circle(self, x: float, y: float, r: float, *, tone: str = "plain") -> None:
        """A circle centred on ``(x, y)``."""
        fill, stroke = TONES[tone]
        self.shapes.append(
            f'<circle cx="{_number(x)}" cy="{_number(y)}" r="{_number(r)}" '
            f'fill={quoteattr(fill)} stroke={quoteattr(stroke)} stroke-width="1.2"/>'
        )

    def text(
        self,
        x: float,
        y: float,
        content: str,
        *,
        size: float = 12.0,
        anchor: str = "middle",
        colour: str = "#222222",
        bold: bool = False,
        italic: bool = False,
    ) -> None:
        """One line of text whose baseline passes through ``(x, y)``; ``content`` is escaped."""
        weight = ' font-weight="bold"' if bold else ""
        style = ' font-style="italic"' if italic else ""
        self.shapes.append(
            f'<text x="{_number(x)}" y="{_number(y)}" font-size="{_number(size)}" '
            f"text-anchor={quoteattr(anchor)} fill={quoteattr(colour)}{weight}{style}>"
            f"{escape(content)}</text>"
        )

    def arrow(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        *,
        label: str = "",
        colour: str = "#444444",
        dashed: bool = False,
        label_side: float = 1.0,
    ) -> None:
        """A straight arrow from ``(x1, y1)`` to ``(x2, y2)``, with an optional label beside
        its middle (on the left of the direction of travel for ``label_side=1``)."""
        dash = ' stroke-dasharray="5 3"' if dashed else ""
        self.shapes.append(
            f'<line x1="{_number(x1)}" y1="{_number(y1)}" x2="{_number(x2)}" '
            f'y2="{_number(y2)}" stroke={quoteattr(colour)} stroke-width="1.4"{dash}/>'
        )
        angle = math.atan2(y2 - y1, x2 - x1)
        head = [
            (x2 - 9 * math.cos(angle - 0.4), y2 - 9 * math.sin(angle - 0.4)),
            (x2, y2),
            (x2 - 9 * math.cos(angle + 0.4), y2 - 9 * math.sin(angle + 0.4)),
        ]
        points = " ".join(f"{_number(px)},{_number(py)}" for px, py in head)
        self.shapes.append(f'<polygon points="{points}" fill={quoteattr(colour)}/>')
        if label:
            mid_x, mid_y = (x1 + x2) / 2, (y1 + y2) / 2
            normal_x, normal_y = math.sin(angle), -math.cos(angle)
            offset = 10 * label_side
            lx, ly = mid_x + normal_x * offset, mid_y + normal_y * offset
            if abs(normal_x) > 0.5:
                anchor = "start" if normal_x * label_side > 0 else "end"
            else:
                anchor = "middle"
            self.text(lx, ly + 4, label, size=11, anchor=anchor, colour=colour, italic=True)

    def render(self) -> str:
        """The SVG document: a standalone ``<svg>`` element with a title for screen readers."""
        title = f"<title>{escape(self.title)}</title>" if self.title else ""
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{_number(self.width)}" '
            f'height="{_number(self.height)}" viewBox="0 0 {_number(self.width)} '
            f'{_number(self.height)}" font-family={quoteattr(FONT)}>'
            f"{title}{''.join(self.shapes)}</svg>"
        )


def edge_point(
    centre: tuple[float, float], size: tuple[float, float], towards: tuple[float, float]
) -> tuple[float, float]:
    """Where the line from a box's centre towards a point leaves the box (for arrow ends).

    >>> edge_point((0, 0), (20, 10), (100, 0))
    (10.0, 0.0)
    """
    cx, cy = centre
    half_w, half_h = size[0] / 2, size[1] / 2
    dx, dy = towards[0] - cx, towards[1] - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scale = min(
        half_w / abs(dx) if dx else math.inf,
        half_h / abs(dy) if dy else math.inf,
    )
    return cx + dx * scale, cy + dy * scale
