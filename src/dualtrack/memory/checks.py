"""Argument checks and refusals every store shares, so all stores fail alike and clearly."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from dualtrack.errors import (
    BackendUnavailable,
    ConflictError,
    ImmutableDatumError,
    InvalidArgument,
    MissingParentError,
)
from dualtrack.memory.datum import Datum, check_id
from dualtrack.memory.limits import check_count, check_optional_count, check_unicode, shown


def check_datum(value: object) -> Datum:
    """``value`` if it is a :class:`Datum`."""
    if not isinstance(value, Datum):
        raise InvalidArgument(
            f"stores hold Datum objects, got {type(value).__name__}: wrap the content with "
            "Datum.create(content)"
        )
    return value


def check_batch(values: Iterable[Datum]) -> list[Datum]:
    """The batch as a list of datums, refusing a lone ``Datum`` or ``str`` passed by mistake."""
    if isinstance(values, Datum | str | bytes):
        raise InvalidArgument("put_many takes an iterable of Datum: for one datum use put()")
    if not isinstance(values, Iterable):
        raise InvalidArgument(f"put_many takes an iterable of Datum, got {type(values).__name__}")
    return [check_datum(value) for value in values]


def check_lookup(datum_id: object) -> str:
    """``datum_id`` if it is a str (any str: ids that cannot exist, see
    :func:`~dualtrack.memory.limits.holdable`, are simply not found)."""
    if type(datum_id) is not str:
        raise InvalidArgument(f"a datum id is a str, got {shown(datum_id)}")
    return datum_id


def check_name(name: object, what: str = "ref name") -> str:
    """``name`` if it is usable for a ref or namespace (same rules as datum ids)."""
    return check_id(name, what, InvalidArgument)


def check_expected(expected: object) -> str | None:
    """The ``expected`` argument of ``set_ref``: a datum id, or ``None`` for "not set yet"."""
    if expected is not None and type(expected) is not str:
        raise InvalidArgument(f"expected must be a datum id (str) or None, got {shown(expected)}")
    return expected


def check_text(text: object) -> str:
    """The query text of ``search``."""
    if type(text) is not str:
        raise InvalidArgument(f"search text must be a str, got {shown(text)}")
    return check_unicode(text, "search text", InvalidArgument)


def check_top(limit: object) -> int:
    """``search``'s result count: a positive int."""
    return check_count(limit, "limit", InvalidArgument)


def check_batch_size(batch_size: object) -> int:
    """``scan``'s page size: a positive int."""
    return check_count(batch_size, "batch_size", InvalidArgument)


def refuse_change(stored: Datum, new: Datum) -> ImmutableDatumError:
    """The error for putting ``new`` under the id of a different stored datum."""
    if new.causal_parent == new.id:
        return ImmutableDatumError(
            f"{_names_itself(new)}: its id is its parent's, already stored. A "
            "content-addressed child with its parent's content gets its parent's id: derive "
            "it with content_addressed=False, or keep the parent when nothing changed"
        )
    fields = ("content", "created_at", "causal_parent", "metadata")
    differing = [name for name in fields if getattr(stored, name) != getattr(new, name)]
    return ImmutableDatumError(
        f"id {stored.id!r} already holds a different datum (differs in {', '.join(differing)}); "
        "datums never change: store the new version under a new id, e.g. stored.derive(content)"
    )


def refuse_orphan(datum: Datum) -> MissingParentError:
    """The error for a datum whose causal parent is neither stored nor earlier in its batch."""
    if datum.causal_parent == datum.id:
        return MissingParentError(
            f"{_names_itself(datum)}; to start a chain give it causal_parent=None, to continue "
            "one name the id of the datum it follows"
        )
    return MissingParentError(
        f"datum {datum.id!r} names causal_parent {datum.causal_parent!r}, which this store "
        "does not hold: put the parent first (earlier in the same put_many is fine)"
    )


def _names_itself(datum: Datum) -> str:
    return (
        f"datum {datum.id!r} names itself as its causal parent: a parent is another datum, "
        "stored before its child, so a chain never loops"
    )


def refuse_swap(name: str, current: str | None, expected: str | None) -> ConflictError:
    """The error for a lost compare-and-set on a ref."""
    return ConflictError(
        f"ref {name!r} points at {current!r}, not the expected {shown(expected)}: another writer "
        "moved it; read it again with get_ref and retry"
    )


def refuse_closed(store: object) -> BackendUnavailable:
    """The error for using a store after ``close()``."""
    return BackendUnavailable(f"{store!r} is closed: open a new store")


def plan_batch(
    batch: list[Datum], stored: Mapping[str, Datum], parent_stored: Iterable[str]
) -> list[Datum]:
    """The datums of ``batch`` still to write, in order, or the error a store must raise.

    ``stored`` holds the already-stored datums among the batch's ids; ``parent_stored`` the
    ids of parents already in the store. Repeats and already-stored equal datums are skipped.
    """
    known_parents = set(parent_stored)
    seen: dict[str, Datum] = {}
    fresh: list[Datum] = []
    for datum in batch:
        earlier = stored.get(datum.id) or seen.get(datum.id)
        if earlier is not None:
            if earlier != datum:
                raise refuse_change(earlier, datum)
            continue
        parent = datum.causal_parent
        if parent is not None and not (
            parent in known_parents or parent in seen or parent in stored
        ):
            raise refuse_orphan(datum)
        seen[datum.id] = datum
        fresh.append(datum)
    return fresh


def check_ref_page(after: object, limit: object) -> tuple[str | None, int | None]:
    """``list_refs``' arguments: a ref name to start after (or ``None``) and a positive limit
    (or ``None`` for all)."""
    start = None if after is None else check_name(after, "after (a ref name)")
    return start, check_optional_count(limit, "limit", InvalidArgument)
