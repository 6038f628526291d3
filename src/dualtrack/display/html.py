"""HTML fragments for tables of values, every value escaped.

Stored content is untrusted: a datum may hold ``<script>``, so nothing reaches the page
without :func:`html.escape`.
"""

from __future__ import annotations

import html
import pprint
from collections.abc import Iterable, Sequence

#: Styles shared by every table the display package draws (inline: notebooks strip <style>).
TABLE = 'style="border-collapse:collapse;font-family:monospace;font-size:12px;text-align:left"'
CELL = 'style="border:1px solid #ccc;padding:3px 8px;vertical-align:top;text-align:left"'
HEAD = (
    'style="border:1px solid #ccc;padding:3px 8px;background:#f0f0f0;vertical-align:top;'
    'text-align:left"'
)
MARK = 'style="background:#fcc;color:#900;font-weight:bold"'


def escape(text: str) -> str:
    """``text`` safe to place in HTML content or a quoted attribute.

    >>> escape('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    """
    return html.escape(text, quote=True)


def pretty(value: object, width: int = 60) -> str:
    """A readable multi-line repr of ``value`` (dicts and lists broken across lines)."""
    return pprint.pformat(value, width=width, sort_dicts=False)


def pre(text: str, *, escaped: bool = False) -> str:
    """Preformatted text; ``escaped`` says the caller already escaped it."""
    body = text if escaped else escape(text)
    return f'<pre style="margin:0;white-space:pre-wrap">{body}</pre>'


def table(
    rows: Iterable[Sequence[str]],
    *,
    header: Sequence[str] | None = None,
    caption: str = "",
    side_header: bool = False,
) -> str:
    """A table of already-escaped cells; ``side_header`` makes each row's first cell a header."""
    parts = [f"<table {TABLE}>"]
    if caption:
        parts.append(
            f'<caption style="text-align:left;font-weight:bold;padding:2px 0">{caption}</caption>'
        )
    if header is not None:
        parts.append("<tr>" + "".join(f"<th {HEAD}>{cell}</th>" for cell in header) + "</tr>")
    for row in rows:
        cells = []
        for place, cell in enumerate(row):
            tag, style = ("th", HEAD) if side_header and place == 0 else ("td", CELL)
            cells.append(f"<{tag} {style}>{cell}</{tag}>")
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</table>")
    return "".join(parts)
