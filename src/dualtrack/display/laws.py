"""A law violation as a table: the law, the shrunk input, both sides, and where they differ.

The two sides are pretty-printed and compared token by token; tokens that differ are marked,
and for nested dicts, lists and tuples the path to the first difference is named.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

from dualtrack.display.html import MARK, escape, pre, pretty, table
from dualtrack.errors import LawViolation

_TOKEN = re.compile(r"\w+|\s+|.", re.DOTALL)

#: A value at which nothing differs, for :func:`first_difference`.
_SAME = object()


def marked(left: str, right: str) -> tuple[str, str]:
    """``left`` and ``right`` as escaped HTML, each with the tokens the other lacks marked.

    >>> marked("[1, 2]", "[1, 3]")[1]
    '[1, <mark style="background:#fcc;color:#900;font-weight:bold">3</mark>]'
    """
    a, b = _TOKEN.findall(left), _TOKEN.findall(right)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    out_a, out_b = [], []
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        chunk_a, chunk_b = escape("".join(a[a1:a2])), escape("".join(b[b1:b2]))
        if tag == "equal":
            out_a.append(chunk_a)
            out_b.append(chunk_b)
            continue
        if chunk_a:
            out_a.append(f"<mark {MARK}>{chunk_a}</mark>")
        if chunk_b:
            out_b.append(f"<mark {MARK}>{chunk_b}</mark>")
    return "".join(out_a), "".join(out_b)


def first_difference(left: object, right: object) -> tuple[str, object, object] | None:
    """Where two values first differ, as ``(path, left part, right part)``, or ``None``.

    >>> first_difference({"a": [1, 2]}, {"a": [1, 5]})
    ("['a'][1]", 2, 5)
    """
    if type(left) is type(right) and left == right:
        return None
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        for key in [*left, *(k for k in right if k not in left)]:
            inner = first_difference(left.get(key, _SAME), right.get(key, _SAME))
            if inner is not None:
                path, a, b = inner
                return f"[{key!r}]{path}", a, b
    elif isinstance(left, list | tuple) and isinstance(right, list | tuple):
        for place in range(max(len(left), len(right))):
            a = left[place] if place < len(left) else _SAME
            b = right[place] if place < len(right) else _SAME
            inner = first_difference(a, b)
            if inner is not None:
                path, x, y = inner
                return f"[{place}]{path}", x, y
    return "", left, right


def _shown(value: object) -> str:
    return "(missing)" if value is _SAME else repr(value)


def difference_text(left: object, right: object) -> str:
    """One line naming where the two sides first differ."""
    found = first_difference(left, right)
    if found is None:
        return "the sides print alike but compare unequal (types, or a custom equivalence)"
    path, a, b = found
    where = f"at {path}" if path else "as a whole"
    return f"they differ {where}: {_shown(a)} vs {_shown(b)}"


def violation_html(violation: LawViolation) -> str:
    """The violation as a table, both sides pretty-printed with their differences marked."""
    left, right = marked(pretty(violation.left), pretty(violation.right))
    rows = [
        ["law", f"<b>{escape(violation.law)}</b>"],
        ["input (shrunk)", pre(pretty(violation.given))],
        ["left side", pre(left, escaped=True)],
        ["right side", pre(right, escaped=True)],
        ["difference", escape(difference_text(violation.left, violation.right))],
    ]
    return table(rows, caption="LawViolation", side_header=True)
