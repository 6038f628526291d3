"""What commands print: rich tables and trees on stdout, notes and progress on stderr, JSON
for scripts, and the one way each datum field is shown (times in UTC, sizes, content)."""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import click
from rich import box
from rich.console import Console, ConsoleOptions, RenderableType
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from dualtrack.cli.failures import TERMINAL_CONTROL, printable, scrub
from dualtrack.memory import Datum

#: Characters of content shown in one table cell.
PREVIEW = 48

#: Widest an id column gets before longer ids fold onto a second line.
ID_WIDTH = 36

#: The least room the content column gets in a listing.
MIN_CONTENT = 16


#: Bytes shown in a hex summary of binary content.
HEX_BYTES = 32


#: Control characters ``json.dumps`` leaves as they are: DEL and C1 (escaped as ``\\u00NN``).
_LATE_CONTROL = re.compile("[\x7f-\x9f]")

#: Width of tables written to a file or pipe (no terminal to fit), unless ``COLUMNS`` says.
PIPE_WIDTH = 200


class _Console(Console):
    """A console that shows any control character in what it prints as ``\\xNN`` text
    (:func:`printable`): a stored id or name cannot drive the terminal, while the console's
    own styles and progress bars, which are not text, still do."""

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control is None and TERMINAL_CONTROL.search(segment.text):
                yield Segment(printable(segment.text), segment.style)
            else:
                yield segment


def _console(*, err: bool) -> Console:
    console = _Console(stderr=err, highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = _Console(stderr=err, highlight=False, width=PIPE_WIDTH)
    return console


def stdout() -> Console:
    """The console for results (no colour codes and no terminal wrapping when piped)."""
    return _console(err=False)


def stderr() -> Console:
    """The console for progress bars."""
    return _console(err=True)


def emit_json(value: Any) -> None:
    """Print ``value`` as indented JSON on stdout (for scripts: ``--json``)."""
    text = json.dumps(value, ensure_ascii=False, indent=2)  # escapes the C0 controls
    print(scrub(_LATE_CONTROL.sub(lambda found: f"\\u{ord(found.group()):04x}", text)))


def note(text: str) -> None:
    """A line for the user on stderr (so stdout stays clean for results)."""
    click.echo(scrub(text), err=True)


def show(*renderables: RenderableType, cut: bool = False) -> None:
    """Print tables, trees or text on stdout; ``cut`` cuts lines to the width instead of
    wrapping them."""
    console = stdout()
    for renderable in renderables:
        if cut:
            console.print(renderable, no_wrap=True, overflow="ellipsis", crop=True)
        else:
            console.print(renderable)


def moment(seconds: float) -> str:
    """``created_at`` as a UTC time, to the millisecond (the raw seconds when out of range).

    >>> moment(1714555800.25)
    '2024-05-01 09:30:00.250'
    >>> moment(-1e15)
    '-1000000000000000.0'
    """
    try:
        when = datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return repr(seconds)
    return when.isoformat(sep=" ", timespec="milliseconds").removesuffix("+00:00")


def size(count: int) -> str:
    """A byte count for people.

    >>> size(12), size(2048), size(5 * 1024 ** 3)
    ('12 B', '2.0 KiB', '5.0 GiB')
    """
    value = float(count)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{count} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def compact(metadata: Mapping[str, Any], width: int = PREVIEW) -> str:
    """Metadata as compact JSON, cut to ``width`` characters."""
    text = json.dumps(dict(metadata), ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= width else text[: width - 1] + "…"


def readable(content: bytes) -> str | None:
    """``content`` as text when it is UTF-8 without control characters (tabs and line breaks
    aside), else ``None``.

    >>> readable("café".encode()), readable(b"\\x00\\x01"), readable(b"\\xff")
    ('café', None, None)
    """
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any(unicodedata.category(char) == "Cc" and char not in "\t\n\r" for char in text):
        return None
    return text


def preview(content: bytes, width: int = PREVIEW) -> str:
    """The start of ``content`` on one line: text when it is readable, else a hex summary.

    >>> preview(b"hello\\nworld"), preview(bytes([0, 255, 1]))
    ('hello⏎world', '0x00ff01 (3 bytes)')
    """
    text = readable(content)
    if text is None:
        return f"0x{content[:8].hex()}{'…' if len(content) > 8 else ''} ({len(content)} bytes)"
    flat = text.replace("\n", "⏎").replace("\r", "").replace("\t", " ")
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def hex_summary(content: bytes) -> str:
    """Binary content: its size, sha-256 and first bytes in hex."""
    head = content[:HEX_BYTES].hex(" ")
    more = " …" if len(content) > HEX_BYTES else ""
    digest = hashlib.sha256(content).hexdigest()
    return f"{len(content)} bytes of binary; sha-256 {digest}\n{head}{more}"


def summary(datum: Datum) -> dict[str, Any]:
    """A datum without its content, for ``--json`` listings."""
    return {
        "id": datum.id,
        "created_at": datum.created_at,
        "causal_parent": datum.causal_parent,
        "size": len(datum.content),
        "metadata": dict(datum.metadata),
    }


def full(datum: Datum) -> dict[str, Any]:
    """A datum as its JSON form (content in base64), for ``--json`` details."""
    parsed: dict[str, Any] = json.loads(datum.to_json())
    return parsed


def listing(title: str | None = None) -> Table:
    """An empty table in the style every listing uses (light rules, no outer frame), at least
    as wide as its title, so a title above narrow rows stays on one line."""
    return Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        min_width=len(title) if title else None,
    )


def _fit(room: int, fixed: int, ids: int, parents: int, metadata: int) -> tuple[int, ...]:
    """Widths of the id, parent, metadata and content columns of a listing ``room`` wide
    whose other columns take ``fixed``: ids whole when they can be, content at least
    :data:`MIN_CONTENT`; then the parent and metadata share the rest with content (a column
    that would get fewer than 8 characters is left out: width 0).

    >>> _fit(200, 27, 32, 32, 15), _fit(100, 27, 32, 32, 15), _fit(80, 27, 32, 32, 15)
    ((32, 32, 15, 77), (32, 0, 0, 30), (26, 0, 0, 16))
    """
    spare = room - fixed - (3 * 4 - 1)  # four columns: id, created, size, content
    id_width = max(8, min(ids, spare - MIN_CONTENT))
    shared = spare - id_width - MIN_CONTENT
    parent = min(parents, max(0, shared * 2 // 5 - 3))
    parent = parent if parent >= 8 else 0
    shared -= parent + 3 if parent else 0
    shown = min(metadata, max(0, shared // 3 - 3))
    shown = shown if shown >= 8 else 0
    shared -= shown + 3 if shown else 0
    return id_width, parent, shown, MIN_CONTENT + max(0, shared)


def datum_table(
    datums: Iterable[Datum], *, title: str | None = None, width: int | None = None
) -> Table:
    """The listing table: id, created, parent, size, metadata, content, fitted to ``width``
    (default: the terminal's). Content and metadata are cut to fit, then the parent id is
    shortened, then metadata left out; ids fold rather than lose characters.

    >>> table = datum_table([Datum(id="a" * 32, content=b"x", created_at=0.0)], width=80)
    >>> [column.header for column in table.columns]
    ['id', 'created (UTC)', 'size', 'content']
    """
    rows = list(datums)
    times = [moment(datum.created_at) for datum in rows]
    sizes = [size(len(datum.content)) for datum in rows]
    time_width = max(map(len, times), default=13)
    size_width = max(map(len, sizes), default=4)
    id_width, parent, metadata, content = _fit(
        stdout().width if width is None else width,
        time_width + size_width,
        min(max((len(datum.id) for datum in rows), default=2), ID_WIDTH),
        max(6, min(max((len(d.causal_parent or "") for d in rows), default=0), ID_WIDTH)),
        min(max((len(compact(d.metadata, 10**6)) for d in rows), default=8), 40),
    )
    table = listing(title)
    table.add_column("id", overflow="fold", width=id_width)
    table.add_column("created (UTC)", no_wrap=True, width=time_width)
    if parent:
        table.add_column("parent", no_wrap=True, overflow="ellipsis", width=parent)
    table.add_column("size", justify="right", no_wrap=True, width=size_width)
    if metadata:
        table.add_column("metadata", no_wrap=True, overflow="ellipsis", width=metadata)
    table.add_column("content", no_wrap=True, overflow="ellipsis", width=content)
    for datum, when, bytes_ in zip(rows, times, sizes, strict=True):
        cells = [datum.id, when]
        if parent:
            cells.append(datum.causal_parent or "")
        cells.append(bytes_)
        if metadata:
            cells.append(compact(datum.metadata, metadata))
        cells.append(preview(datum.content, content))
        table.add_row(*cells)
    return table


class RateColumn(ProgressColumn):
    """Datums per second of a progress task."""

    def render(self, task: Task) -> Text:
        """The task's current rate."""
        speed = task.finished_speed or task.speed
        if speed is None or not math.isfinite(speed):
            return Text("", style="progress.data.speed")
        return Text(f"{speed:,.0f} datums/s", style="progress.data.speed")


def progress_bar() -> Progress:
    """A progress display on stderr: what, bar, count, rate, elapsed and time left."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=stderr(),
    )
