"""One-statement writes on PostgreSQL: a new datum with its ref move, or a batch of new datums.

In autocommit a single statement is atomic, so these cost one round trip where a transaction
costs ``BEGIN``, the statements and ``COMMIT``. Each writes everything or nothing: the checks
that ``put`` makes come first, as conditions, and the inserts carry no ``ON CONFLICT``, so a
writer that stored the same id meanwhile makes the whole statement fail with a unique
violation. Nothing written (a count of 0, or that failure) sends the caller down the general
path, which says why.
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

from sqlalchemy import (
    Executable,
    Text,
    and_,
    bindparam,
    cast,
    exists,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import JSONB

from dualtrack.memory.sql.statements import INSERT_COLUMNS, Statements, batch_rows

#: the SQLSTATE of a unique violation: another writer stored one of the ids first
DUPLICATE = "23505"


def _text(name: str) -> Any:
    return bindparam(name, type_=Text())


def advance_new(statements: Statements, *, create: bool) -> Executable:
    """Store the new datum bound as in ``insert_one`` and point ref ``ref`` at it: from
    ``expected`` (an ``UPDATE``), or, with ``create``, as a new ref. Returns the count stored
    (1, or 0 when the ref, the datum or a check said no)."""
    tables = statements.tables
    d, r = tables.datums, tables.refs
    new = ~exists().where(d.c.namespace == _text("ns"), d.c.id == _text("id"))
    if create:
        moved: Any = (
            postgresql.insert(r)
            .from_select(
                ["namespace", "name", "datum_id"],
                select(_text("ns"), _text("ref"), _text("id")).where(new, *statements.insertable),
            )
            .on_conflict_do_nothing()
        )
    else:
        moved = (
            r.update()
            .where(
                r.c.namespace == _text("ns"),
                r.c.name == _text("ref"),
                r.c.datum_id == _text("expected"),
                statements.datum_exists("expected"),
                new,
                *statements.insertable,
            )
            .values(datum_id=_text("id"))
        )
    step = moved.returning(r.c.name).cte("moved")
    row = statements.one_row().where(exists(select(step.c.name)))
    stored = postgresql.insert(d).from_select(list(INSERT_COLUMNS), row).returning(d.c.id)
    inserted = stored.cte("inserted")
    return select(func.count()).select_from(inserted)


def _probed(*conditions: Any) -> Any:
    """``EXISTS`` of one row by index, probed once per batch row: ``OFFSET 0`` keeps
    PostgreSQL from hashing the whole namespace instead, which it chooses when statistics
    make the table look small (before the first ``ANALYZE``, or when autovacuum lags), at a
    cost that grows with everything stored."""
    return exists(select(literal_column("1")).where(*conditions).offset(literal_column("0")))


def insert_new(statements: Statements) -> Executable:
    """Store a batch of new datums (arrays ``ids``, ``contents``, ``created_ats``,
    ``causal_parents``, ``metadatas``, ``facetses``, ``digests``, ``parent_digests``) if
    every one passes ``put``'s checks, a parent earlier in the batch counting as stored.
    Returns the count stored: all of them, or 0."""
    tables = statements.tables
    d, t, e = tables.datums, tables.tombstones, tables.erased
    ns = _text("ns")
    arrays = batch_rows("digest", "parent_digest", ordinality="position")
    batch = select(arrays).cte("batch")
    earlier = batch.alias("earlier")
    parent = batch.c.causal_parent
    known_parent = or_(
        parent.is_(None),
        _probed(d.c.namespace == ns, d.c.id == parent),
        _probed(t.c.namespace == ns, t.c.datum_id == parent),
        _probed(e.c.namespace == ns, e.c.digest == batch.c.parent_digest),
        exists().where(earlier.c.id == parent, earlier.c.position < batch.c.position),
    )
    storable = and_(
        ~_probed(d.c.namespace == ns, d.c.id == batch.c.id),
        ~_probed(e.c.namespace == ns, e.c.digest == batch.c.digest),
        ~_probed(t.c.namespace == ns, t.c.datum_id == batch.c.id),
        known_parent,
    )
    refused = select(batch.c.id).where(~storable).limit(1).cte("refused")
    rows = select(
        ns,
        *(batch.c[name] for name in INSERT_COLUMNS[1:6]),
        cast(batch.c.facets, JSONB()),
    ).where(~exists(select(refused.c.id)))
    stored = postgresql.insert(d).from_select(list(INSERT_COLUMNS), rows).returning(d.c.id)
    inserted = stored.cte("inserted")
    return select(func.count()).select_from(inserted)


class OneShot(NamedTuple):
    """The one-statement writes of one store's tables."""

    advance_moving: Executable
    advance_creating: Executable
    insert_batch: Executable


@functools.lru_cache(maxsize=64)
def one_shot(statements: Statements) -> OneShot:
    """The one-statement writes over ``statements``' tables (PostgreSQL only), built once for
    each set of statements, which stores share."""
    return OneShot(
        advance_new(statements, create=False),
        advance_new(statements, create=True),
        insert_new(statements),
    )
