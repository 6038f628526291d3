"""``ListQuery``: the validated arguments of ``list()``, shared by every store so all agree."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from dualtrack.errors import InvalidArgument
from dualtrack.memory.datum import Datum
from dualtrack.memory.limits import check_optional_count, check_seconds, shown
from dualtrack.memory.metadata import Metadata, canonical_json, plain_json

Order = Literal["asc", "desc"]

#: How many datums ``list()`` returns when no limit is given.
DEFAULT_LIMIT = 100


def _bound(value: object, name: str) -> float | None:
    return None if value is None else check_seconds(value, name, InvalidArgument)


def check_filter(metadata: Mapping[str, Any] | None) -> tuple[tuple[str, str], ...]:
    """A metadata filter as sorted ``(key, canonical JSON value)`` pairs, the form stores match.

    >>> check_filter({"kind": "note", "n": 1})
    (('kind', '"note"'), ('n', '1'))
    """
    if metadata is None:
        return ()
    if not isinstance(metadata, Mapping):
        raise InvalidArgument(f"metadata filter must be a mapping, got {shown(metadata)}")
    values = plain_json(metadata, "metadata filter", InvalidArgument)
    return tuple(sorted((name, canonical_json(value)) for name, value in values.items()))


def matches_filter(datum: Datum, pairs: tuple[tuple[str, str], ...]) -> bool:
    """Whether ``datum`` has every filter key with a JSON-equal value (missing keys never match)."""
    if not pairs:
        return True
    assert isinstance(datum.metadata, Metadata)
    values = datum.metadata
    for name, wanted in pairs:
        if name not in values or canonical_json(values[name]) != wanted:
            return False
    return True


def prefix_end(prefix: str) -> str | None:
    """The least string after every string starting with ``prefix`` (code point order), or
    ``None`` when none exists, so ``prefix <= id < end`` is exactly "id starts with prefix".

    >>> prefix_end("ab"), prefix_end("a\\U0010ffff")
    ('ac', 'b')
    """
    chars = list(prefix)
    while chars:
        point = ord(chars.pop()) + 1
        if point <= 0x10FFFF:
            if 0xD800 <= point <= 0xDFFF:
                point = 0xE000
            return "".join(chars) + chr(point)
    return None


def check_limit(limit: object, default: int | None = DEFAULT_LIMIT) -> int | None:
    """``limit`` if it is a positive int (or ``None``, meaning no limit)."""
    if limit is None:
        return default
    return check_optional_count(limit, "limit", InvalidArgument)


@dataclass(frozen=True, slots=True)
class ListQuery:
    """Validated ``list()`` arguments: literal case-sensitive ``prefix`` of ids, exclusive
    ``after``/``before`` bounds on ``created_at``, metadata equality, and the order.

    >>> q = ListQuery.of(prefix="50%_")
    >>> q.admits(Datum(id="50%_off", content=b"", created_at=1.0)), q.admits(
    ...     Datum(id="50x_off", content=b"", created_at=1.0))
    (True, False)
    """

    prefix: str | None
    after: float | None
    before: float | None
    metadata: tuple[tuple[str, str], ...]
    order: Order
    scope: str = ""

    @classmethod
    def of(
        cls,
        *,
        prefix: str | None = None,
        after: float | None = None,
        before: float | None = None,
        metadata: Mapping[str, Any] | None = None,
        order: Order = "asc",
        scope: str = "",
    ) -> ListQuery:
        """Check each argument, raising :class:`InvalidArgument` with what to pass instead.

        ``scope`` names the store's namespace, so a cursor from one namespace is refused in
        another."""
        if prefix is not None and type(prefix) is not str:
            raise InvalidArgument(f"prefix must be a str or None, got {shown(prefix)}")
        if order not in ("asc", "desc"):
            raise InvalidArgument(f"order must be 'asc' or 'desc', got {shown(order)}")
        return cls(
            prefix=prefix or None,
            after=_bound(after, "after"),
            before=_bound(before, "before"),
            metadata=check_filter(metadata),
            order=order,
            scope=scope,
        )

    def fingerprint(self) -> str:
        """A short digest of the filters and namespace, so a cursor cannot be replayed on
        another query or in another namespace."""
        fields = [self.prefix, self.after, self.before, self.metadata, self.order, self.scope]
        text = canonical_json(fields)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def admits(self, datum: Datum) -> bool:
        """Whether ``datum`` passes every filter (position aside)."""
        if self.prefix is not None and not datum.id.startswith(self.prefix):
            return False
        if self.after is not None and not datum.created_at > self.after:
            return False
        if self.before is not None and not datum.created_at < self.before:
            return False
        return matches_filter(datum, self.metadata)
