"""Pictures of agent memory: one datum as a table, causal history as a graph, a store's summary.

A store is async and a repr is sync, so a store is shown through :func:`summary`, an awaited
snapshot whose repr is a table; :func:`causal_graph` likewise fetches a datum's chain and
descendants and returns a :class:`CausalGraph` that draws itself.
"""

from __future__ import annotations

import json
import textwrap
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from dualtrack.display.html import escape, pre, table
from dualtrack.display.svg import Canvas, shorten
from dualtrack.memory.datum import Datum
from dualtrack.memory.protocol import DgentProtocol

_NODE_W = 200.0
_NODE_H = 52.0
_SLOT = 215.0
_LEVEL = 84.0
_CHARS = 26


def content_text(content: bytes, limit: int = 200) -> str:
    """The content as text when it is UTF-8, else its length and first bytes in hex.

    >>> content_text(b"hello"), content_text(bytes([0, 255, 1]))
    ('hello', '3 bytes: 00 ff 01')
    """
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        hexed = " ".join(f"{byte:02x}" for byte in content[:24])
        more = " …" if len(content) > 24 else ""
        return f"{len(content)} bytes: {hexed}{more}"
    return shorten(text, limit)


def when(seconds: float) -> str:
    """A datum's time as UTC ISO 8601 to the millisecond.

    >>> when(0.0)
    '1970-01-01 00:00:00.000 UTC'
    """
    whole = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds))
    return f"{whole}.{int(seconds * 1000) % 1000:03d} UTC"


def _metadata(datum: Datum) -> str:
    return json.dumps(dict(datum.metadata), ensure_ascii=False, sort_keys=True)


def datum_html(datum: Datum) -> str:
    """One datum as a table of its fields, content decoded when it is text; all escaped."""
    rows = [
        ["id", escape(datum.id)],
        ["created_at", escape(f"{when(datum.created_at)} ({datum.created_at!r})")],
        ["causal_parent", escape(datum.causal_parent or "none: a root")],
        ["metadata", escape(_metadata(datum))],
        ["content", pre(content_text(datum.content, 2000))],
    ]
    return table(rows, caption="Datum", side_header=True)


def _datum_rows(datums: Iterable[Datum]) -> list[list[str]]:
    return [
        [
            escape(shorten(d.id, 16)),
            escape(when(d.created_at)),
            escape(shorten(d.causal_parent or "", 16)),
            escape(content_text(d.content, 60)),
            escape(shorten(_metadata(d), 60)),
        ]
        for d in datums
    ]


_DATUM_HEADER = ["id", "created_at", "parent", "content", "metadata"]


def _two_lines(text: str) -> list[str]:
    """``text`` on at most two lines of a graph node, cut with an ellipsis when longer."""
    lines = textwrap.wrap(" ".join(text.split()), _CHARS) or [""]
    if len(lines) > 2:
        lines = [lines[0], shorten(" ".join(lines[1:]), _CHARS)]
    return lines


@dataclass(frozen=True)
class CausalGraph:
    """Datums drawn as a graph, each below its causal parent; ``highlight`` ids (a causal
    chain, say) are outlined. A parent outside the set shows as a dashed stub."""

    datums: tuple[Datum, ...]
    highlight: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, datums: Iterable[Datum], highlight: Iterable[str] = ()) -> CausalGraph:
        """The graph of ``datums`` (duplicates dropped), outlining ``highlight``."""
        unique = {d.id: d for d in datums}
        return cls(tuple(unique.values()), frozenset(highlight))

    def _children(self) -> tuple[list[Datum], dict[str, list[Datum]]]:
        ids = {d.id for d in self.datums}
        roots: list[Datum] = []
        children: dict[str, list[Datum]] = {}
        for datum in sorted(self.datums, key=lambda d: (d.created_at, d.id)):
            if datum.causal_parent in ids:
                children.setdefault(datum.causal_parent, []).append(datum)
            else:
                roots.append(datum)
        return roots, children

    def layout(self) -> dict[str, tuple[float, int]]:
        """Each datum's (slot, depth): leaves take consecutive slots, a parent sits above the
        middle of its children, and each tree of the forest sits beside the previous one."""
        roots, children = self._children()
        places: dict[str, tuple[float, int]] = {}
        next_slot = 0.0

        def place(datum: Datum, depth: int) -> float:
            nonlocal next_slot
            kids = children.get(datum.id, [])
            if not kids:
                slot = next_slot
                next_slot += 1
            else:
                slots = [place(kid, depth + 1) for kid in kids]
                slot = (slots[0] + slots[-1]) / 2
            places[datum.id] = (slot, depth)
            return slot

        for root in roots:
            place(root, 0)
        return places

    def _repr_svg_(self) -> str:
        roots, _ = self._children()
        places = self.layout()
        slots = max((slot for slot, _ in places.values()), default=0.0) + 1
        depth = max((level for _, level in places.values()), default=0) + 1
        stub = any(d.causal_parent is not None for d in roots)
        top = 40.0 if stub else 12.0
        canvas = Canvas(
            slots * _SLOT + 20,
            top + depth * _LEVEL + 14,
            title=f"causal graph of {len(self.datums)} datums",
        )

        def centre(datum_id: str) -> tuple[float, float]:
            slot, level = places[datum_id]
            return 10 + slot * _SLOT + _SLOT / 2, top + level * _LEVEL + _NODE_H / 2

        for datum in self.datums:
            cx, cy = centre(datum.id)
            if datum.causal_parent in places:
                px, py = centre(datum.causal_parent)
                canvas.arrow(px, py + _NODE_H / 2, cx, cy - _NODE_H / 2)
            elif datum.causal_parent is not None:
                canvas.text(
                    cx, 14, "parent " + shorten(datum.causal_parent, 10), size=10, colour="#999999"
                )
                canvas.arrow(cx, 20, cx, cy - _NODE_H / 2, dashed=True, colour="#999999")
        for datum in self.datums:
            cx, cy = centre(datum.id)
            chosen = datum.id in self.highlight
            canvas.box(
                cx - _NODE_W / 2,
                cy - _NODE_H / 2,
                _NODE_W,
                _NODE_H,
                tone="focus" if chosen else "plain",
                thick=chosen,
            )
            canvas.text(cx, cy - 10, shorten(datum.id, _CHARS), size=10, colour="#666666")
            for line, text in enumerate(_two_lines(content_text(datum.content, 80))):
                canvas.text(cx, cy + 5 + 14 * line, text, size=11)
        return canvas.render()

    def __repr__(self) -> str:
        roots, children = self._children()
        lines: list[str] = []

        def walk(datum: Datum, depth: int) -> None:
            mark = "*" if datum.id in self.highlight else "-"
            lines.append(f"{'  ' * depth}{mark} {datum.id}: {content_text(datum.content, 40)}")
            for kid in children.get(datum.id, []):
                walk(kid, depth + 1)

        for root in roots:
            walk(root, 0)
        return "\n".join(lines) or "(no datums)"


async def causal_graph(store: DgentProtocol, datum_id: str, *, limit: int = 60) -> CausalGraph:
    """The causal chain of ``datum_id`` (outlined) and its descendants, up to ``limit`` datums.

    >>> import asyncio
    >>> from dualtrack import MemoryDgent
    >>> async def demo():
    ...     store = MemoryDgent()
    ...     root = await store.put(Datum(id="r", content=b"root", created_at=1.0))
    ...     await store.put(Datum(id="c", content=b"child", created_at=2.0, causal_parent="r"))
    ...     return await causal_graph(store, "r")
    >>> asyncio.run(demo())
    * r: root
      - c: child
    """
    chain = await store.causal_chain(datum_id)
    found = list(chain)
    frontier = [datum_id] if chain else []
    while frontier and len(found) < limit:
        kids = await store.children(frontier.pop(0))
        room = limit - len(found)
        found += kids[:room]
        frontier += [kid.id for kid in kids[:room]]
    return CausalGraph.of(found, highlight=(d.id for d in chain))


@dataclass(frozen=True)
class StoreSummary:
    """A snapshot of a store, taken by :func:`summary`: what it is, how many datums it holds,
    its time span, its most recent datums and the refs asked about."""

    store: str
    namespace: str
    count: int
    oldest: Datum | None
    newest: Datum | None
    recent: tuple[Datum, ...]
    refs: Mapping[str, str | None]

    def _repr_html_(self) -> str:
        span = (
            f"{when(self.oldest.created_at)} to {when(self.newest.created_at)}"
            if self.oldest and self.newest
            else "empty"
        )
        facts = [
            ["store", escape(self.store)],
            ["namespace", escape(self.namespace)],
            ["datums", escape(str(self.count))],
            ["time span", escape(span)],
        ]
        facts += [
            [escape(f"ref {name}"), escape(head or "not set")] for name, head in self.refs.items()
        ]
        parts = [table(facts, caption="Store", side_header=True)]
        if self.recent:
            parts.append(
                table(
                    _datum_rows(self.recent),
                    header=_DATUM_HEADER,
                    caption=f"{len(self.recent)} most recent",
                )
            )
        return "<div>" + "<br>".join(parts) + "</div>"

    def __repr__(self) -> str:
        lines = [f"{self.store} namespace={self.namespace!r}: {self.count} datums"]
        lines += [f"  ref {name} -> {head}" for name, head in self.refs.items()]
        lines += [f"  {d.id}: {content_text(d.content, 50)}" for d in self.recent]
        return "\n".join(lines)


async def summary(
    store: DgentProtocol, *, refs: Sequence[str] = (), recent: int = 5
) -> StoreSummary:
    """A :class:`StoreSummary` of ``store``: count, time span, the ``recent`` newest datums,
    and where each ref in ``refs`` points."""
    newest_page = await store.list(order="desc", limit=max(recent, 1))
    oldest_page = await store.list(order="asc", limit=1)
    newest = list(newest_page)
    return StoreSummary(
        store=type(store).__name__,
        namespace=store.namespace,
        count=await store.count(),
        oldest=next(iter(oldest_page), None),
        newest=newest[0] if newest else None,
        recent=tuple(newest[:recent]),
        refs={name: await store.get_ref(name) for name in refs},
    )
