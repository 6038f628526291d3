"""One hierarchy for every error dualtrack raises.

Each error says what went wrong and what to do about it. Errors about a bad lookup also
inherit the matching builtin (``KeyError``, ``IndexError``, ...) so existing handlers still work.
"""

from __future__ import annotations

from dualtrack.difference import where_they_differ


class DualtrackError(Exception):
    """Base class of every error dualtrack raises on purpose."""

    def __str__(self) -> str:
        # KeyError would otherwise show the repr of its message.
        return str(self.args[0]) if self.args else self.__class__.__name__


class OpticError(DualtrackError):
    """An optic met data of a shape it cannot focus on.

    ``detail`` says what went wrong at the failing step; ``path`` is the whole optic it
    happened in, so a message reads ``key 'b' not found ... (in optic key('a') >> key('b'))``.
    """

    def __init__(self, detail: str, path: str | None = None) -> None:
        self.detail = detail
        self.path = path
        super().__init__(detail if path is None else f"{detail} (in optic {path})")

    def within(self, path: str) -> OpticError:
        """The same error, naming ``path`` as the optic it happened in."""
        return type(self)(self.detail, path)


class MissingKey(OpticError, KeyError):
    """``key(k)`` met a mapping that has no key ``k``."""


class MissingAttribute(OpticError, AttributeError):
    """``attr(name)`` met an object that has no field ``name``."""


class IndexOutOfRange(OpticError, IndexError):
    """``index(i)`` met a sequence too short for ``i``."""


class ShapeMismatch(OpticError, TypeError):
    """An optic met a value of the wrong type (a list where a mapping was expected, ...)."""


class UnsupportedOperation(OpticError, TypeError):
    """The optic's kind has no such operation (``Fold.set``, ``Getter.review``, ...)."""


class CompositionError(OpticError, TypeError):
    """Two optics whose kinds have no common weaker kind (``Getter >> Setter``)."""


class InvalidOptic(OpticError, TypeError):
    """An optic constructor was given something it cannot use (a non-callable getter, ...)."""


class InvalidPath(InvalidOptic):
    """A typed path's route is not a pure path (it calls, computes, compares, tests or reads a
    value) or does not fit the declared types it reads (a missing field, a step through
    ``X | None``); the message names what the route did."""


class CodecError(OpticError, ValueError):
    """A codec could not decode or encode a value."""


class LawViolation(DualtrackError, AssertionError):
    """A law failed: names the law, the input it failed on, and both sides of the equation."""

    def __init__(self, law: str, given: object, left: object, right: object) -> None:
        self.law = law
        self.given = given
        self.left = left
        self.right = right
        message = (
            f"law {law!r} does not hold\n  input: {given!r}\n  left:  {left!r}\n  right: {right!r}"
        )
        hidden = where_they_differ(left, right)
        if hidden is not None:
            message += f"\n  differs {hidden}"
        super().__init__(message)

    def _repr_html_(self) -> str:
        """Jupyter's table of this violation, differences marked (drawn by dualtrack.display)."""
        from dualtrack.display.laws import violation_html

        return violation_html(self)


class ImmutableDatumError(DualtrackError):
    """A different datum was put under an id that is already used: datums never change."""


class MissingParentError(DualtrackError):
    """A datum names a causal parent that the store does not hold."""


class InvalidDatum(DualtrackError, ValueError):
    """A datum's fields do not meet the rules (id, content bytes, JSON metadata)."""


class ContentTooLarge(InvalidDatum):
    """A datum's content is longer than ``MAX_CONTENT_BYTES``: store large blobs elsewhere."""


class ConflictError(DualtrackError):
    """A compare-and-set lost: another writer got there first. Reload and retry."""


class PathNotFound(DualtrackError, LookupError):
    """An AGENTESE path does not resolve to a registered verb."""


class PermissionDenied(DualtrackError, PermissionError):
    """The observer may not do what it asked."""


class BackendUnavailable(DualtrackError):
    """A storage backend cannot be reached or is not installed."""


class StorageReplaced(BackendUnavailable):
    """The SQLite file a store writes to was deleted or replaced while the store ran: its
    writes are refused rather than acknowledged into a file nobody can open again."""


class OperationTimedOut(BackendUnavailable, TimeoutError):
    """A database operation took longer than the store's ``timeout`` (a silent network, a
    lock held elsewhere): its connection was closed; a write may or may not have committed."""


class InvalidInput(DualtrackError, TypeError):
    """An agent, functor or state logic got a value of a shape it cannot work on."""


class InvalidArgument(DualtrackError, ValueError):
    """A store method got an argument it cannot use (a bad limit, order, name or filter)."""


class InvalidCursor(InvalidArgument):
    """A pagination cursor is malformed, or belongs to a different query."""


class UnknownDatum(DualtrackError, LookupError):
    """An operation names a datum id that the store does not hold."""


class MigrationError(DualtrackError):
    """A migration could not run as asked: scripts not found, or a call that cannot work."""


class MigrationRefused(MigrationError, PermissionError):
    """A downgrade was asked for in production (``DUALTRACK_ENV=production``): forward only."""


class InvalidRow(DualtrackError, ValueError):
    """A value does not fit its table column (a naive datetime for an aware one, ...)."""


class UnsupportedColumn(DualtrackError, TypeError):
    """No row strategy for a column's type: pass one for it in ``overrides``."""


class UnknownService(DualtrackError, LookupError):
    """``get_service`` was asked for a name that is neither registered nor injected."""


class ForgottenDatumError(DualtrackError):
    """A datum was put under an id its namespace forgot (hidden, expired or erased): a
    forgotten id is never stored again, so an erasure cannot be undone by a replay."""


class RetentionUnsupported(DualtrackError, TypeError):
    """The store cannot forget or compact (``TableAdapter``); the message says why and what
    to do instead."""


class UnsafeCheckpoint(DualtrackError, ValueError):
    """Stored checkpoint bytes name a type or callable outside the safe list: loading them
    would import a module or call a function, so the load is refused and nothing runs."""


class LoopUnavailable(DualtrackError, RuntimeError):
    """A blocking call would wait on the event loop its own thread runs (a deadlock), or on
    one that has stopped: open the store on a private loop instead (the message says how)."""
