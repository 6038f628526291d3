"""``Drawing`` and ``Html``: what the display functions return, shown richly by Jupyter.

Each holds a rendered picture or fragment and a plain-text description, so a terminal (or any
frontend without HTML) still shows something that reads well.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Drawing:
    """An SVG picture: Jupyter shows ``svg``, a terminal shows ``text``.

    >>> Drawing("<svg/>", "a blank picture")
    a blank picture
    """

    svg: str
    text: str

    def _repr_svg_(self) -> str:
        return self.svg

    def __repr__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Html:
    """An HTML fragment: Jupyter shows ``html``, a terminal shows ``text``."""

    html: str
    text: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text
