"""Pictures of agents: a pipeline's stages left to right, a functor's lift as a frame around
the agent it runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dualtrack.agents import Agent
from dualtrack.display.svg import Canvas, shorten, text_width
from dualtrack.functors.lifted import Lifted

_GAP = 30.0
_BOX_H = 34.0
_PAD = 10.0


@dataclass
class _Node:
    """A stage laid out: a box (``inner`` empty) or a functor's frame around inner stages."""

    label: str
    inner: list[_Node]
    width: float = 0.0
    height: float = 0.0


def _layout(agent: Agent[Any, Any]) -> list[_Node]:
    nodes = []
    for stage in agent.stages():
        if isinstance(stage, Lifted):
            inner = _layout(stage.inner) or [_Node("Id", [])]
            label = _functor_label(stage)
            nodes.append(_Node(shorten(label, 40), inner))
        else:
            nodes.append(_Node(shorten(stage.name, 32), []))
    for node in nodes:
        _measure(node)
    return nodes


def _functor_label(stage: Lifted[Any, Any]) -> str:
    """The lifted agent's name without its inner agent: ``Maybe``, ``Focus(key('a'))``."""
    name, inner = stage.name, stage.inner.name
    if name.endswith(f", {inner})"):
        return name[: -len(inner) - 3] + ")"
    if name.endswith(f"({inner})"):
        return name[: -len(inner) - 2]
    return stage.functor


def _measure(node: _Node) -> None:
    if not node.inner:
        node.width, node.height = text_width(node.label) + 20, _BOX_H
        return
    for inner in node.inner:
        _measure(inner)
    row = sum(inner.width for inner in node.inner) + _GAP * (len(node.inner) - 1)
    node.width = max(row, text_width(node.label)) + 2 * _PAD
    node.height = max(inner.height for inner in node.inner) + 2 * _PAD + 16


def _draw_row(canvas: Canvas, nodes: list[_Node], x: float, mid_y: float) -> float:
    for place, node in enumerate(nodes):
        if place:
            canvas.arrow(x - _GAP + 2, mid_y, x - 2, mid_y)
        top = mid_y - node.height / 2
        if node.inner:
            canvas.box(x, top, node.width, node.height, tone="muted", dashed=True)
            canvas.text(
                x + 6, top + 13, node.label, size=11, anchor="start", colour="#6a3d9a", bold=True
            )
            inner_w = sum(n.width for n in node.inner) + _GAP * (len(node.inner) - 1)
            _draw_row(canvas, node.inner, x + (node.width - inner_w) / 2, mid_y + 8)
        else:
            canvas.box(x, top, node.width, node.height)
            canvas.text(x + node.width / 2, mid_y + 4, node.label)
        x += node.width + _GAP
    return x


def pipeline_svg(agent: Agent[Any, Any]) -> str:
    """The agent's stages in the order they run, from an input dot to an output dot; a
    functor's lifted agent is a dashed frame named after the functor around what it runs."""
    nodes = _layout(agent)
    if not nodes:
        canvas = Canvas(220, 60, title="Id")
        canvas.circle(20, 30, 6)
        canvas.arrow(28, 30, 190, 30, label="Id: returns its input")
        canvas.circle(198, 30, 6)
        return canvas.render()
    height = max(node.height for node in nodes) + 34
    width = sum(node.width for node in nodes) + _GAP * (len(nodes) + 1) + 40
    canvas = Canvas(width, height, title=agent.name)
    mid_y = height / 2 - 4
    canvas.circle(14, mid_y, 6)
    end = _draw_row(canvas, nodes, 20 + _GAP, mid_y)
    canvas.arrow(22, mid_y, 20 + _GAP - 2, mid_y)
    canvas.arrow(end - _GAP + 2, mid_y, end - 8, mid_y)
    canvas.circle(end, mid_y, 6)
    stages = len(agent.stages())
    canvas.text(
        8,
        height - 6,
        f"{stages} stage{'s' if stages != 1 else ''}, run left to right",
        size=10,
        anchor="start",
        colour="#888888",
        italic=True,
    )
    return canvas.render()
