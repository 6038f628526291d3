"""What ``compact`` is asked to do (:class:`CompactionPolicy`) and what it did
(:class:`CompactionReceipt`), and the states a datum id can be in (:data:`DatumState`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from dualtrack.errors import InvalidArgument
from dualtrack.memory.limits import check_seconds, shown

#: Where an id stands in a store: ``live`` (read paths show it), ``forgotten`` (hidden by a
#: tombstone), ``expired`` (hidden by its expiry or the namespace lifetime), ``erased``
#: (compacted away: only the digest of its id remains) or ``unknown`` (never stored here).
DatumState = Literal["live", "forgotten", "expired", "erased", "unknown"]

#: A source of "now" in float seconds since the epoch (``time.time`` unless a store is given
#: another, as tests do to move time by hand).
Clock = Callable[[], float]

#: How compaction gives space back (see :class:`CompactionPolicy`).
Vacuum = Literal["none", "normal", "full"]


def check_clock(clock: object) -> Clock:
    """``clock`` if it is callable (``None``: ``time.time``)."""
    if clock is None:
        return time.time
    if not callable(clock):
        raise InvalidArgument(
            f"clock must be a callable returning float seconds, got {shown(clock)}"
        )
    return clock


def check_lifetime(seconds: object) -> float | None:
    """A namespace lifetime: positive finite seconds, or ``None`` for none."""
    if seconds is None:
        return None
    lifetime = check_seconds(seconds, "lifetime", InvalidArgument)
    if lifetime <= 0:
        raise InvalidArgument(f"lifetime must be positive seconds or None, got {shown(seconds)}")
    return lifetime


@dataclass(frozen=True, slots=True)
class CompactionPolicy:
    """What ``compact`` removes besides hidden datums, and how it gives space back.

    * hidden datums (forgotten or expired) are always removed, with their metadata rows,
      vectors and the refs that point at them;
    * ``unreachable``: also remove live datums that no live ref reaches, keeping each ref's
      target and ``history`` of its ancestors (``None``: all of them). Reachability is decided
      on one snapshot: prune when writers are quiet, since a datum put between compaction's
      snapshot and a ref naming it is not reached yet;
    * ``vacuum``: ``"none"`` leaves freed pages for later writes (SQLite still overwrites
      the removed bytes with zeros); ``"normal"`` runs SQLite ``VACUUM`` (the file shrinks)
      or PostgreSQL ``VACUUM`` (space becomes reusable; writers are not blocked);
      ``"full"`` runs SQLite ``VACUUM`` or PostgreSQL ``VACUUM FULL``, which rewrites the
      tables into new files so the removed bytes leave the table files, blocking readers and
      writers of the tables while it runs.

    >>> CompactionPolicy(unreachable=True, history=0)
    CompactionPolicy(unreachable=True, history=0, vacuum='normal')
    >>> CompactionPolicy(history=-1)
    Traceback (most recent call last):
    ...
    dualtrack.errors.InvalidArgument: history must be an int >= 0 or None, got -1
    """

    unreachable: bool = False
    history: int | None = None
    vacuum: Vacuum = "normal"

    def __post_init__(self) -> None:
        if type(self.unreachable) is not bool:
            raise InvalidArgument(f"unreachable must be a bool, got {self.unreachable!r}")
        if self.history is not None and (type(self.history) is not int or self.history < 0):
            raise InvalidArgument(f"history must be an int >= 0 or None, got {self.history!r}")
        if self.vacuum not in ("none", "normal", "full"):
            raise InvalidArgument(f"vacuum must be 'none', 'normal' or 'full', got {self.vacuum!r}")


@dataclass(frozen=True, slots=True)
class CompactionReceipt:
    """What one ``compact`` removed (or, for a dry run, would remove).

    ``removed`` holds the removed ids in code point order; ``forgotten``, ``expired`` and
    ``unreachable`` count them by why (a forgotten datum that also expired counts as
    forgotten); ``refs`` names the refs dropped because they pointed at removed datums;
    ``datum_bytes`` is the content and metadata JSON bytes removed (the same on every store;
    search vectors and index rows go too, uncounted). ``file_bytes_before``
    and ``file_bytes_after`` measure the store's files (``None`` for stores without files, and
    ``after`` for a dry run). ``erased_from_files`` says whether the removed bytes are known to
    have left the store's files: always on SQLite; on PostgreSQL only with ``vacuum="full"``
    once no snapshot older than the removal remained open (``False`` otherwise: compact again
    later); ``None`` for stores without files and for dry runs.
    """

    namespace: str
    dry_run: bool
    removed: tuple[str, ...]
    forgotten: int
    expired: int
    unreachable: int
    refs: tuple[str, ...]
    datum_bytes: int
    file_bytes_before: int | None = None
    file_bytes_after: int | None = None
    erased_from_files: bool | None = None

    @property
    def bytes_freed(self) -> int | None:
        """How much smaller the store's files became (``None`` without files or in a dry run).

        >>> CompactionReceipt("n", False, (), 0, 0, 0, (), 0, 8192, 4096).bytes_freed
        4096
        """
        if self.file_bytes_before is None or self.file_bytes_after is None:
            return None
        return self.file_bytes_before - self.file_bytes_after

    def sized(
        self, before: int | None, after: int | None, erased: bool | None = None
    ) -> CompactionReceipt:
        """This receipt with the store's file sizes before and after, and whether the removed
        bytes left the files."""
        return replace(
            self, file_bytes_before=before, file_bytes_after=after, erased_from_files=erased
        )

    def same_removal(self, other: CompactionReceipt) -> bool:
        """Whether ``other`` removes the same datums and refs for the same reasons (what a dry
        run promises of the compaction that follows it)."""
        return (
            self.removed,
            self.forgotten,
            self.expired,
            self.unreachable,
            self.refs,
            self.datum_bytes,
        ) == (
            other.removed,
            other.forgotten,
            other.expired,
            other.unreachable,
            other.refs,
            other.datum_bytes,
        )


def check_policy(policy: object, dry_run: object) -> CompactionPolicy:
    """``compact``'s arguments: a policy (``None``: the default one) and a bool ``dry_run``."""
    if type(dry_run) is not bool:
        raise InvalidArgument(f"dry_run must be a bool, got {shown(dry_run)}")
    if policy is None:
        return CompactionPolicy()
    if not isinstance(policy, CompactionPolicy):
        raise InvalidArgument(
            f"policy must be a CompactionPolicy, got {shown(policy)}: e.g. "
            "CompactionPolicy(unreachable=True)"
        )
    return policy
