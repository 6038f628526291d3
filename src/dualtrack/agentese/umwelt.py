"""``Umwelt``: who is asking an AGENTESE path, and what they may do."""

from __future__ import annotations

from dataclasses import dataclass, field

from dualtrack.errors import InvalidArgument


@dataclass(frozen=True, slots=True)
class Umwelt:
    """The observer behind an invocation: its name, and whether it may call write verbs.

    Observers are read-only unless granted ``may_write=True``.

    >>> Umwelt("scout")
    Umwelt(observer='scout', may_write=False)
    >>> Umwelt("scribe", may_write=True).may_write
    True
    """

    observer: str
    may_write: bool = field(default=False, kw_only=True)

    def __post_init__(self) -> None:
        if type(self.observer) is not str or not self.observer:
            raise InvalidArgument(f"observer must be a non-empty str, got {self.observer!r}")
        if type(self.may_write) is not bool:
            raise InvalidArgument(f"may_write must be a bool, got {self.may_write!r}")
