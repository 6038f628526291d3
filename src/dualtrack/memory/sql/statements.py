"""Every statement ``SQLDgent`` runs, as SQLAlchemy Core expressions with bound parameters.

Statements are built once per process for each schema and dialect (the ones that vary with
``list()`` filters, once per *shape* of filter), so opening a store builds nothing and the hot
path only binds values. User text (ids, prefixes, metadata keys
and values, ref names) is only ever a bound parameter. PostgreSQL and SQLite differ in three
places, chosen here: ``ANY(array)`` against expanding ``IN``, a JSONB containment test against
``json_each`` for metadata filters, and ``unnest`` against multi-row ``VALUES`` for batches.
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Double,
    Executable,
    Integer,
    LargeBinary,
    Select,
    Text,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal_column,
    or_,
    select,
    tuple_,
    union,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeEngine

from dualtrack.errors import BackendUnavailable
from dualtrack.memory.sql.schema import SQLTables, tables_in

#: The dialects SQLDgent speaks.
DIALECTS = ("postgresql", "sqlite")

#: The columns a ``Datum`` is rebuilt from, in ``Datum.trusted`` order.
DATUM_COLUMNS = ("id", "content", "created_at", "causal_parent", "metadata")

#: The columns every insert writes, in order.
INSERT_COLUMNS = (
    "namespace",
    "id",
    "content",
    "created_at",
    "causal_parent",
    "metadata",
    "facets",
)


class PageShape(NamedTuple):
    """Which filters one ``list()`` page uses: statements are cached per shape."""

    prefix: bool
    upper: bool
    after: bool
    before: bool
    filters: int
    position: bool
    order: str
    limit: bool
    vectors: bool
    keys: bool = False


#: The ``hides_at`` of a forgotten datum: hidden at every instant, whatever the clock says.
NEVER = float("-inf")


def shown(tables: SQLTables, table: Any, postgres: bool) -> list[ColumnElement[bool]]:
    """The conditions that datum row ``table`` is shown at the instant bound as ``now``: no
    tombstone hides it yet, and it is younger than the lifetime of namespace ``ns``.

    On PostgreSQL both are scalar subqueries, not ``NOT EXISTS``: the planner turns those into
    anti-joins, and right after a large ``forget``, before statistics catch up, it chose to
    materialize every tombstone and compare it with every row (measured: a keyset page 140
    times slower). A scalar subquery stays one index lookup per row, and the lifetime one runs
    once per statement."""
    t, lifetimes = tables.tombstones, tables.lifetimes
    now: Any = bindparam("now", type_=Double())
    if not postgres:
        hidden = exists().where(
            t.c.namespace == table.c.namespace, t.c.datum_id == table.c.id, t.c.hides_at <= now
        )
        too_old = exists().where(
            lifetimes.c.namespace == table.c.namespace,
            table.c.created_at <= now - lifetimes.c.lifetime,
        )
        return [~hidden, ~too_old]
    never: Any = literal_column("CAST('Infinity' AS DOUBLE PRECISION)", Double())
    hides = (
        select(t.c.hides_at)
        .where(t.c.namespace == _text("ns"), t.c.datum_id == table.c.id)
        .scalar_subquery()
    )
    lifetime = (
        select(lifetimes.c.lifetime).where(lifetimes.c.namespace == _text("ns")).scalar_subquery()
    )
    # ``created_at - oldest > 0`` is ``created_at > oldest`` exactly (the difference of two
    # distinct doubles is never 0), written so that no index can serve it: as a plain
    # comparison, the planner without statistics took the time index for point lookups by id
    # and walked the whole namespace (2 ms for one get among 30,000 datums)
    oldest = now - func.coalesce(lifetime, never)
    zero: Any = literal_column("0", Double())
    return [func.coalesce(hides, never) > now, table.c.created_at - oldest > zero]


def forgotten(tables: SQLTables, table: Any) -> ColumnElement[bool]:
    """The condition that datum row ``table`` was forgotten (not merely expiring)."""
    t = tables.tombstones
    return exists().where(
        t.c.namespace == table.c.namespace,
        t.c.datum_id == table.c.id,
        t.c.forgotten_at.isnot(None),
    )


def _text(name: str) -> Any:
    return bindparam(name, type_=Text())


#: The arrays a PostgreSQL batch binds, one element per datum, with their columns' names.
BATCH_ARRAYS: tuple[tuple[str, str, TypeEngine[Any]], ...] = (
    ("ids", "id", Text()),
    ("contents", "content", LargeBinary()),
    ("created_ats", "created_at", Double()),
    ("causal_parents", "causal_parent", Text()),
    ("metadatas", "metadata", Text()),
    ("facetses", "facets", Text()),
)


def batch_rows(*more: str, ordinality: str | None = None) -> Any:
    """The rows of a PostgreSQL batch: the datum arrays of :data:`BATCH_ARRAYS` unnested side
    by side, then text arrays ``more`` (each bound as ``name + "s"``, a column ``name``), and a
    position column named ``ordinality`` if given."""
    arrays = [bindparam(name, type_=ARRAY(kind)) for name, _, kind in BATCH_ARRAYS]
    arrays += [bindparam(f"{name}s", type_=ARRAY(Text())) for name in more]
    columns = [column for _, column, _ in BATCH_ARRAYS] + list(more)
    valued = func.unnest(*arrays).table_valued(*columns, with_ordinality=ordinality)
    return valued.render_derived()


@functools.lru_cache(maxsize=64)
def statements_for(schema: str | None, dialect: str, *, hidden: bool = False) -> Statements:
    """The statements over the tables in ``schema`` on ``dialect``, shared by every store that
    uses them: they are immutable expressions, and building them takes tens of milliseconds."""
    return Statements(tables_in(schema), dialect, hidden=hidden)


class Statements:
    """The Core statements of one store's tables on one dialect."""

    def __init__(self, tables: SQLTables, dialect: str, *, hidden: bool = False) -> None:
        """``hidden``: read statements show hidden datums too (``include_hidden=True``)."""
        if dialect not in DIALECTS:
            raise BackendUnavailable(
                f"SQLDgent speaks PostgreSQL (asyncpg) and SQLite (aiosqlite), not {dialect!r}"
            )
        self.dialect = dialect
        self.postgres = dialect == "postgresql"
        self.tables = tables
        self.hidden = hidden
        d = tables.datums
        self._columns = [d.c[name] for name in DATUM_COLUMNS]
        self.get_one = self._datums().where(self._mine(), d.c.id == _text("id"), *self._shown(d))
        self.exists_one: Select[Any] = select(literal_column("1")).where(
            self._mine(), d.c.id == _text("id"), *self._shown(d)
        )
        self.count = select(func.count()).select_from(d).where(self._mine(), *self._shown(d))
        self.children = (
            self._datums()
            .where(self._mine(), d.c.causal_parent == _text("id"), *self._shown(d))
            .order_by(d.c.created_at, d.c.id)
        )
        self.chain = self._chain()
        self.get_many = self._datums().where(
            self._mine(), self._among(d.c.id, "ids"), *self._shown(d)
        )
        #: the stored ids among ``ids`` (shown or not: a child may name a hidden parent)
        self.present = select(d.c.id).where(self._mine(), self._among(d.c.id, "ids"))
        #: the contents of the datums among ``ids`` that no search has indexed yet
        self.unindexed_among = select(d.c.id, d.c.content).where(
            self._mine(), self._among(d.c.id, "ids"), d.c.vector.is_(None)
        )
        self.set_vectors = self._set_vectors()
        #: when ``insert_one`` may store its datum: the parent is known (or none), and the id
        #: was neither erased nor forgotten
        self.insertable = [
            or_(_text("causal_parent").is_(None), self._heard_of()),
            ~self._erased("digest"),
            ~exists().where(
                tables.tombstones.c.namespace == _text("ns"),
                tables.tombstones.c.datum_id == _text("id"),
                tables.tombstones.c.forgotten_at.isnot(None),
            ),
        ]
        self.insert_one = self._insert_one()
        self.insert_many = self._insert_many()
        self.get_ref, self.create_ref, self.move_ref, self.ref_state = self._refs()
        self.causal_first, self.causal_next = self._causal(False), self._causal(True)
        self.ref_pages = {
            (after, limit): self._ref_page(after, limit)
            for after in (False, True)
            for limit in (False, True)
        }
        self.namespaces = self._namespaces()
        self._retention()
        self._pages: dict[PageShape, Select[Any]] = {}

    def _shown(self, table: Any) -> list[ColumnElement[bool]]:
        """The conditions that ``table``'s row is shown, unless these statements show all."""
        return [] if self.hidden else shown(self.tables, table, self.postgres)

    def _retention(self) -> None:
        """The statements of forgetting, expiry and lifetimes."""
        tables = self.tables
        d, t, e, life = tables.datums, tables.tombstones, tables.erased, tables.lifetimes
        flag = and_(*shown(tables, d, self.postgres))
        #: the stored datums among ``ids``, each with whether it is shown at ``now``
        self.held = (
            self._datums()
            .add_columns(flag.label("shown"))
            .where(self._mine(), self._among(d.c.id, "ids"))
        )
        self.erased_among = select(e.c.digest).where(
            e.c.namespace == _text("ns"), self._among(e.c.digest, "digests")
        )
        #: ``(id, forgotten)`` of the tombstones among ``ids``
        self.tombstoned = select(t.c.datum_id, t.c.forgotten_at.isnot(None)).where(
            t.c.namespace == _text("ns"), self._among(t.c.datum_id, "ids")
        )
        parent = d.alias("parent")
        #: the parents of shown datums that are not shown: where shown chains stop
        self.truncations = (
            select(d.c.causal_parent)
            .distinct()
            .where(
                self._mine(),
                d.c.causal_parent.isnot(None),
                *shown(tables, d, self.postgres),
                ~exists().where(
                    self._mine(parent),
                    parent.c.id == d.c.causal_parent,
                    *shown(tables, parent, self.postgres),
                ),
            )
            .order_by(d.c.causal_parent)
        )
        #: tombstones of ids the namespace does not hold (compaction turns them into digests)
        self.unheld_tombstones = select(t.c.datum_id).where(
            t.c.namespace == _text("ns"),
            ~exists().where(d.c.namespace == t.c.namespace, d.c.id == t.c.datum_id),
        )
        #: ``(shown, forgotten)`` of datum ``id``
        self.state = select(flag.label("shown"), forgotten(tables, d).label("forgotten")).where(
            self._mine(), d.c.id == _text("id")
        )
        #: ``(id, created_at)`` of the stored datums among ``ids`` not forgotten yet
        self.forgettable = select(d.c.id, d.c.created_at).where(
            self._mine(), self._among(d.c.id, "ids"), ~forgotten(tables, d)
        )
        self.ref_history = self._ref_history()
        self.tombstone = self._tombstone()
        self.get_lifetime = select(life.c.lifetime).where(life.c.namespace == _text("ns"))
        insert = postgresql.insert if self.postgres else sqlite.insert
        lifetime = insert(life).values(
            namespace=_text("ns"), lifetime=bindparam("lifetime", type_=Double())
        )
        self.set_lifetime = lifetime.on_conflict_do_update(
            index_elements=[life.c.namespace], set_={"lifetime": lifetime.excluded.lifetime}
        )
        self.drop_lifetime = life.delete().where(life.c.namespace == _text("ns"))
        self.tombstones_of = t

    def _tombstone(self) -> Executable:
        """Forget ``ids`` at ``now`` (or record their expiry: ``hides_at`` without
        ``forgotten_at``), returning the ids whose tombstone this wrote or made a forgetting."""
        t = self.tables.tombstones
        insert = postgresql.insert if self.postgres else sqlite.insert
        if self.postgres:
            rows = (
                func.unnest(
                    bindparam("ids", type_=ARRAY(Text())),
                    bindparam("hides", type_=ARRAY(Double())),
                )
                .table_valued("datum_id", "hides_at")
                .render_derived()
            )
            source = insert(t).from_select(
                ["namespace", "datum_id", "hides_at", "forgotten_at"],
                select(
                    _text("ns"),
                    rows.c.datum_id,
                    rows.c.hides_at,
                    bindparam("forgotten_at", type_=Double()),
                ),
            )
        else:
            source = insert(t).values(
                namespace=_text("ns"),
                datum_id=_text("datum_id"),
                hides_at=bindparam("hides_at", type_=Double()),
                forgotten_at=bindparam("forgotten_at", type_=Double()),
            )
        statement: Executable = source.on_conflict_do_update(
            index_elements=[t.c.namespace, t.c.datum_id],
            set_={
                "hides_at": source.excluded.hides_at,
                "forgotten_at": source.excluded.forgotten_at,
            },
            where=and_(t.c.forgotten_at.is_(None), source.excluded.forgotten_at.isnot(None)),
        ).returning(t.c.datum_id)
        return statement

    def _ref_history(self) -> Select[Any]:
        """``(id, created_at)`` of ref ``ref``'s whole stored history not forgotten yet,
        hidden datums included."""
        d, r = self.tables.datums, self.tables.refs
        start = (
            select(d.c.id, d.c.created_at, d.c.causal_parent)
            .select_from(r.join(d, and_(d.c.namespace == r.c.namespace, d.c.id == r.c.datum_id)))
            .where(r.c.namespace == _text("ns"), r.c.name == _text("ref"))
            .cte("history", recursive=True)
        )
        parent = d.alias("parent")
        step = select(parent.c.id, parent.c.created_at, parent.c.causal_parent).where(
            self._mine(parent), parent.c.id == start.c.causal_parent
        )
        history = start.union_all(step)
        return select(history.c.id, history.c.created_at).where(
            ~exists().where(
                self.tables.tombstones.c.namespace == _text("ns"),
                self.tables.tombstones.c.datum_id == history.c.id,
                self.tables.tombstones.c.forgotten_at.isnot(None),
            )
        )

    def _mine(self, table: Any = None) -> ColumnElement[bool]:
        table = self.tables.datums if table is None else table
        return table.c.namespace == _text("ns")  # type: ignore[no-any-return]

    def _datums(self, table: Any = None) -> Select[Any]:
        table = self.tables.datums if table is None else table
        return select(*(table.c[name] for name in DATUM_COLUMNS))

    def among(self, column: Any, name: str) -> ColumnElement[bool]:
        """``column`` is one of the values bound as ``name`` (a list)."""
        return self._among(column, name)

    def _among(self, column: Any, name: str) -> ColumnElement[bool]:
        if self.postgres:
            # a semi-join with the unnested array, so each value is one primary-key probe:
            # written as ``= ANY(array)`` the planner, before the table's first ANALYZE, may
            # scan the whole namespace along the time index instead (28 ms for 16 ids of 30,000)
            values = select(func.unnest(bindparam(name, type_=ARRAY(Text()))))
            return column.in_(values)  # type: ignore[no-any-return]
        return column.in_(bindparam(name, expanding=True))  # type: ignore[no-any-return]

    def datum_exists(self, name: str) -> Any:
        """The datum whose id is bound as ``name`` is stored here (and shown, unless these
        statements show all)."""
        d = self.tables.datums
        return exists().where(self._mine(), d.c.id == _text(name), *self._shown(d))

    def _chain(self) -> Select[Any]:
        d = self.tables.datums
        start = (
            self._datums()
            .add_columns(literal_column("0", Integer()).label("depth"))
            .where(self._mine(), d.c.id == _text("id"), *self._shown(d))
            .cte("chain", recursive=True)
        )
        parent = d.alias("parent")
        step = (
            self._datums(parent)
            .add_columns((start.c.depth + literal_column("1", Integer())).label("depth"))
            .where(self._mine(parent), parent.c.id == start.c.causal_parent, *self._shown(parent))
        )
        chain = start.union_all(step)
        return select(*(chain.c[name] for name in DATUM_COLUMNS)).order_by(chain.c.depth.desc())

    def _facets_value(self, value: Any) -> Any:
        return cast(value, JSONB()) if self.postgres else value

    def _insert(self) -> Any:
        insert = postgresql.insert if self.postgres else sqlite.insert
        return insert(self.tables.datums)

    def _erased(self, digest: str) -> Any:
        e = self.tables.erased
        return exists().where(e.c.namespace == _text("ns"), e.c.digest == _text(digest))

    def _heard_of(self) -> Any:
        """``causal_parent`` is stored (shown or not), tombstoned, or erased: only a parent
        the namespace never heard of is missing."""
        d, t = self.tables.datums, self.tables.tombstones
        return or_(
            exists().where(self._mine(), d.c.id == _text("causal_parent")),
            exists().where(t.c.namespace == _text("ns"), t.c.datum_id == _text("causal_parent")),
            self._erased("parent_digest"),
        )

    def _set_vectors(self) -> Executable:
        """Store search vectors of unindexed datums: ``ids`` and ``vectors`` arrays on
        PostgreSQL (one statement), one ``datum_id``/``new_vector`` set per row on SQLite."""
        d = self.tables.datums
        if self.postgres:
            pairs = (
                func.unnest(
                    bindparam("ids", type_=ARRAY(Text())),
                    bindparam("vectors", type_=ARRAY(LargeBinary())),
                )
                .table_valued("id", "vector")
                .render_derived()
            )
            chosen = and_(d.c.id == pairs.c.id, d.c.vector.is_(None))
            statement: Executable = (
                update(d).where(self._mine(), chosen).values(vector=pairs.c.vector)
            )
            return statement
        single = and_(d.c.id == _text("datum_id"), d.c.vector.is_(None))
        statement = (
            update(d)
            .where(self._mine(), single)
            .values(vector=bindparam("new_vector", type_=LargeBinary()))
        )
        return statement

    def one_row(self) -> Select[Any]:
        """The row of one datum, from the parameters ``ns``, ``id``, ``content``,
        ``created_at``, ``causal_parent``, ``metadata`` and ``facets``, in INSERT_COLUMNS order."""
        return select(
            _text("ns"),
            _text("id"),
            bindparam("content", type_=LargeBinary()),
            bindparam("created_at", type_=Double()),
            _text("causal_parent"),
            _text("metadata"),
            self._facets_value(_text("facets")),
        )

    def _insert_one(self) -> Executable:
        d = self.tables.datums
        values = self.one_row().where(*self.insertable)
        statement: Executable = (
            self._insert()
            .from_select(list(INSERT_COLUMNS), values)
            .on_conflict_do_nothing()
            .returning(d.c.id)
        )
        return statement

    def _insert_many(self) -> Executable:
        d = self.tables.datums
        if not self.postgres:
            values = {
                "namespace": _text("ns"),
                "id": _text("id"),
                "content": bindparam("content", type_=LargeBinary()),
                "created_at": bindparam("created_at", type_=Double()),
                "causal_parent": _text("causal_parent"),
                "metadata": _text("metadata"),
                "facets": _text("facets"),
            }
            statement: Executable = (
                self._insert().values(values).on_conflict_do_nothing().returning(d.c.id)
            )
            return statement
        arrays = batch_rows()
        rows = select(
            _text("ns"),
            *(arrays.c[name] for name in INSERT_COLUMNS[1:6]),
            cast(arrays.c.facets, JSONB()),
        )
        statement = (
            self._insert()
            .from_select(list(INSERT_COLUMNS), rows)
            .on_conflict_do_nothing()
            .returning(d.c.id)
        )
        return statement

    def _refs(self) -> tuple[Executable, Executable, Executable, Executable]:
        r, d = self.tables.refs, self.tables.datums
        here = and_(r.c.namespace == _text("ns"), r.c.name == _text("ref"))
        target_shown = (
            exists()
            .where(d.c.namespace == r.c.namespace, d.c.id == r.c.datum_id, *self._shown(d))
            .correlate(r)
        )
        get = select(r.c.datum_id).where(here, target_shown)
        insert = postgresql.insert if self.postgres else sqlite.insert
        source = insert(r).from_select(
            ["namespace", "name", "datum_id"],
            select(_text("ns"), _text("ref"), _text("target")).where(self.datum_exists("target")),
        )
        create = source.on_conflict_do_nothing().returning(r.c.name)
        #: a ref naming a hidden datum reads as unset: ``expected=None`` may move it
        self.revive_ref = (
            r.update()
            .where(here, ~target_shown, self.datum_exists("target"))
            .values(datum_id=_text("target"))
            .returning(r.c.name)
        )
        move = (
            r.update()
            .where(
                here,
                r.c.datum_id == _text("expected"),
                self.datum_exists("target"),
                self.datum_exists("expected"),
            )
            .values(datum_id=_text("target"))
            .returning(r.c.name)
        )
        state = select(
            self.datum_exists("target").label("known"),
            get.scalar_subquery().label("current"),
        )
        return get, create, move, state

    def _causal(self, position: bool) -> Select[Any]:
        """One page of a causal scan: the datum columns, then whether the parent sorts first
        (compared in the database, with the collation it orders by). Parameters: ``ns``,
        ``limit``, and with ``position`` ``at`` and ``at_id``."""
        d = self.tables.datums
        parent = d.alias("parent")
        first = and_(
            parent.c.id.isnot(None),
            tuple_(parent.c.created_at, parent.c.id) < tuple_(d.c.created_at, d.c.id),
        )
        joined = d.outerjoin(
            parent, and_(parent.c.namespace == d.c.namespace, parent.c.id == d.c.causal_parent)
        )
        clauses: list[ColumnElement[bool]] = [self._mine(), *self._shown(d)]
        if position:
            there = tuple_(bindparam("at", type_=Double()), _text("at_id"))
            clauses.append(tuple_(d.c.created_at, d.c.id) > there)
        return (
            self._datums()
            .add_columns(first.label("parent_first"))
            .select_from(joined)
            .where(*clauses)
            .order_by(d.c.created_at, d.c.id)
            .limit(bindparam("limit", type_=Integer()))
        )

    def _ref_page(self, after: bool, limit: bool) -> Select[Any]:
        """Refs of ``ns`` in name order, named after ``after``, at most ``limit``."""
        r, d = self.tables.refs, self.tables.datums
        statement = select(r.c.name, r.c.datum_id).where(
            r.c.namespace == _text("ns"),
            exists().where(d.c.namespace == r.c.namespace, d.c.id == r.c.datum_id, *self._shown(d)),
        )
        if after:
            statement = statement.where(r.c.name > _text("after"))
        statement = statement.order_by(r.c.name)
        if limit:
            statement = statement.limit(bindparam("limit", type_=Integer()))
        return statement

    def _distinct_namespaces(self, table: Any, name: str) -> Select[Any]:
        """The distinct namespaces of ``table``, found by skipping along its primary key:
        one index lookup per namespace rather than one row per datum."""
        spaces = select(func.min(table.c.namespace).label("name")).cte(name, recursive=True)
        following = (
            select(func.min(table.c.namespace))
            .where(table.c.namespace > spaces.c.name)
            .scalar_subquery()
        )
        spaces = spaces.union_all(select(following).where(spaces.c.name.isnot(None)))
        return select(spaces.c.name).where(spaces.c.name.isnot(None))

    def _namespaces(self) -> Executable:
        both = union(
            self._distinct_namespaces(self.tables.datums, "datum_spaces"),
            self._distinct_namespaces(self.tables.refs, "ref_spaces"),
        ).subquery()
        statement: Executable = select(both.c.name).order_by(both.c.name)
        return statement

    def page(self, shape: PageShape) -> Select[Any]:
        """The keyset-page statement for ``shape`` (built on first use, then reused).

        Parameters: ``ns`` (the namespace); ``low`` and ``high`` (prefix range); ``after``,
        ``before``; ``facets`` (PostgreSQL) or ``key0``, ``value0``, ... (SQLite); ``at``,
        ``at_id`` (the cursor position); ``limit``.
        """
        statement = self._pages.get(shape)
        if statement is None:
            statement = self._pages[shape] = self._page(shape)
        return statement

    def _page(self, shape: PageShape) -> Select[Any]:
        d = self.tables.datums
        if shape.vectors:
            length = func.octet_length if self.postgres else func.length
            unindexed = case((d.c.vector.is_(None), length(d.c.content)), else_=None)
            statement = select(d.c.id, d.c.created_at, d.c.vector, unindexed)
        elif shape.keys:
            statement = select(d.c.id, d.c.created_at).where(~forgotten(self.tables, d))
        else:
            statement = self._datums()
        clauses: list[ColumnElement[bool]] = [self._mine(), *self._shown(d)]
        if shape.prefix:
            clauses.append(d.c.id >= _text("low"))
        if shape.upper:
            clauses.append(d.c.id < _text("high"))
        if shape.after:
            clauses.append(d.c.created_at > bindparam("after", type_=Double()))
        if shape.before:
            clauses.append(d.c.created_at < bindparam("before", type_=Double()))
        if shape.filters:
            clauses += self._facet_filters(shape.filters)
        if shape.position:
            here = tuple_(d.c.created_at, d.c.id)
            there = tuple_(bindparam("at", type_=Double()), _text("at_id"))
            clauses.append(here < there if shape.order == "desc" else here > there)
        statement = statement.where(*clauses)
        if shape.order == "desc":
            statement = statement.order_by(d.c.created_at.desc(), d.c.id.desc())
        else:
            statement = statement.order_by(d.c.created_at, d.c.id)
        if shape.limit:
            statement = statement.limit(bindparam("limit", type_=Integer()))
        return statement

    def _facet_filters(self, count: int) -> list[ColumnElement[bool]]:
        d = self.tables.datums
        if self.postgres:
            return [d.c.facets.op("@>")(cast(_text("facets"), JSONB()))]
        found: list[ColumnElement[bool]] = []
        for place in range(count):
            entries = func.json_each(d.c.facets).table_valued("key", "value")
            found.append(
                exists()
                .select_from(entries)
                .where(
                    entries.c.key == _text(f"key{place}"), entries.c.value == _text(f"value{place}")
                )
            )
        return found
