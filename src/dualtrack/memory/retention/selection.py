"""What ``forget`` was asked to hide, checked once so that every store reads it alike."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dualtrack.errors import ForgottenDatumError, InvalidArgument
from dualtrack.memory.checks import check_lookup, check_name
from dualtrack.memory.datum import Datum
from dualtrack.memory.limits import holdable, shown
from dualtrack.memory.query import ListQuery, check_filter, matches_filter


@dataclass(frozen=True, slots=True)
class Selection:
    """One ``forget`` request: explicit ``ids``; or a ``prefix`` and/or ``metadata`` filter
    (both must match, as in ``list``); or a ``ref``, meaning the datum it names and all its
    ancestors (the ref's whole history, hidden ones included).

    >>> Selection.of(prefix="user-7/").admits(Datum(id="user-7/a", content=b"", created_at=0))
    True
    >>> Selection.of()  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dualtrack.errors.InvalidArgument: forget needs ids=, prefix=, metadata= or ref=: ...
    """

    ids: tuple[str, ...] | None
    prefix: str | None
    metadata: tuple[tuple[str, str], ...]
    ref: str | None

    @classmethod
    def of(
        cls,
        ids: Iterable[str] | None = None,
        *,
        prefix: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        ref: str | None = None,
    ) -> Selection:
        """Check the arguments: exactly one kind of selector, each well formed."""
        if isinstance(ids, str | bytes) or not (ids is None or isinstance(ids, Iterable)):
            raise InvalidArgument(
                f"ids must be an iterable of ids, got {type(ids).__name__}: for one id pass "
                "ids=[id]"
            )
        if prefix is not None and (type(prefix) is not str or not prefix):
            raise InvalidArgument(f"prefix must be a non-empty str or None, got {shown(prefix)}")
        if metadata is not None and not metadata:
            raise InvalidArgument("an empty metadata filter would match every datum")
        pairs = check_filter(metadata)
        kinds = [ids is not None, bool(prefix is not None or pairs), ref is not None]
        if sum(kinds) == 0:
            raise InvalidArgument(
                "forget needs ids=, prefix=, metadata= or ref=: to forget every datum, pass "
                "ids=[d.id async for d in store.scan(include_hidden=True)]"
            )
        if sum(kinds) > 1:
            raise InvalidArgument(
                "forget takes one kind of selector: ids=, or prefix=/metadata= (both must "
                "match), or ref=; call it once per kind"
            )
        return cls(
            ids=None if ids is None else _held(ids),
            prefix=prefix,
            metadata=pairs,
            ref=None if ref is None else check_name(ref),
        )

    @property
    def matches_nothing(self) -> bool:
        """Whether the selection is a ``prefix`` no stored id can start with (a lone
        surrogate, a NUL, longer than any id): forgetting it hides nothing, on every store."""
        return self.prefix is not None and not holdable(self.prefix)

    def as_query(self) -> ListQuery:
        """A filter selection as the ``list`` query that finds the same datums."""
        return ListQuery(self.prefix, None, None, self.metadata, "asc")

    def admits(self, datum: Datum) -> bool:
        """Whether a filter selection (``prefix``/``metadata``) matches ``datum``."""
        if self.prefix is not None and not datum.id.startswith(self.prefix):
            return False
        return matches_filter(datum, self.metadata)


def refuse_forgotten(namespace: str, datum_id: str) -> ForgottenDatumError:
    """The error for putting an id the namespace forgot."""
    return ForgottenDatumError(
        f"id {datum_id!r} was forgotten in namespace {namespace!r} (hidden or erased): a "
        "forgotten id is never stored again, so an erasure cannot be undone by a replay; "
        "store the content under a new id, e.g. Datum.create(content)"
    )


def _held(ids: Iterable[str]) -> tuple[str, ...]:
    """The distinct ids to forget, in order, leaving out text no id can hold (never stored,
    and never storable: nothing to hide, and nothing to keep out later).

    >>> _held(["a", "\\x00", "b", "a"])
    ('a', 'b')
    """
    return tuple(dict.fromkeys(i for i in map(check_lookup, ids) if holdable(i)))
