"""Laws of versioned application state, checked on any Alembic configuration.

Each check takes ``config`` (an Alembic ``Config``, the path of a script directory, or ``None``
for dualtrack's own) and ``database``: a function returning the URL of a fresh, empty database
on every call (:mod:`dualtrack.app.scratch` makes SQLite files and PostgreSQL databases). Rows
are generated from the reflected tables by :func:`laws.rows.rows_for`, so the laws need no
knowledge of your models.

Your ``env.py`` must migrate on ``config.attributes["connection"]`` when it is set (dualtrack's
does, as in Alembic's cookbook recipe for sharing a connection), and call
:func:`dualtrack.app.guard.refuse_production_downgrade` after ``context.configure`` for the
downgrade law.

>>> from dualtrack.app.models import Base
>>> from dualtrack.app.scratch import sqlite_files
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as directory:
...     check_no_drift(None, sqlite_files(directory), Base.metadata)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeAlias

from alembic import command
from alembic.config import Config
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, MetaData, insert
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from dualtrack.app.blocking import BlockingRunner
from dualtrack.app.drift import differences
from dualtrack.app.engines import open_engine
from dualtrack.app.migrate import ConfigLike, current_async, on_connection_async, run_alembic_async
from dualtrack.app.scripts import as_config, heads, is_linear, revisions
from dualtrack.app.snapshot import Snapshot, reflect, take_snapshot
from dualtrack.errors import LawViolation, MigrationError, MigrationRefused
from laws.core import DEFAULT_SETTINGS, holds, run
from laws.row_differences import smallest_difference
from laws.rows import rows_for

#: Returns the URL of a new, empty database each time it is called.
DatabaseFactory: TypeAlias = Callable[[], str]

#: Each example migrates a fresh database, so the migration laws try 10 examples, not 100, and
#: report the failing input as found: shrinking it would migrate hundreds of databases. Pass
#: ``settings=settings(MIGRATION_SETTINGS, phases=tuple(Phase))`` to shrink anyway.
MIGRATION_SETTINGS = settings(
    DEFAULT_SETTINGS,
    max_examples=10,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
)

#: The names the laws report in a :class:`LawViolation`.
IDEMPOTENCE = "upgrade twice equals once"
NO_DRIFT = "no drift between the models and the migrations"
ADDITIVE = "added columns are nullable or defaulted"
ROWS_SURVIVE = "rows survive every upgrade"
FORWARD_ONLY = "downgrade is refused in production"
REVERSIBLE = "downgrade restores each revision's schema"


def check_upgrade_idempotent(
    config: ConfigLike,
    database: DatabaseFactory,
    *,
    settings: settings | None = None,
    version_table: str = "alembic_version",
) -> None:
    """Upgrading a database holding rows to head a second time changes no schema and no row."""

    @given(st.data())
    def upgrade_twice(data: st.DataObject) -> None:
        with _fresh(config, database) as db:
            db.upgrade("heads")
            db.require_at(heads(db.config), version_table)
            inserted = db.fill(data, version_table)
            once = db.snapshot()
            try:
                db.upgrade("heads")
            except Exception as error:
                raise LawViolation(
                    IDEMPOTENCE,
                    {"rows": inserted},
                    f"the second upgrade failed: {error}",
                    "the second upgrade changes nothing",
                ) from error
            twice = db.snapshot()
        _unchanged(IDEMPOTENCE, {"rows written": _counts(inserted)}, twice, once)

    run(upgrade_twice, settings, MIGRATION_SETTINGS)


def check_no_drift(
    config: ConfigLike,
    database: DatabaseFactory,
    metadata: MetaData,
    *,
    version_table: str = "alembic_version",
) -> None:
    """The migrated schema is what the models declare: ``alembic check`` finds nothing to do."""
    with _fresh(config, database) as db:
        db.upgrade("heads")
        db.require_at(heads(db.config), version_table)
        drift = db.drift(metadata, version_table)
    given_ = {"models": sorted(metadata.tables), "revision": heads(db.config)}
    holds(NO_DRIFT, given_, drift, [])


def check_additive_evolution(
    config: ConfigLike,
    database: DatabaseFactory,
    *,
    settings: settings | None = None,
    version_table: str = "alembic_version",
) -> None:
    """Upgrading revision by revision a database that holds rows keeps them all, and every
    column a revision adds to an existing table is nullable or has a server default."""

    @given(st.data())
    def evolve(data: st.DataObject) -> None:
        with _fresh(config, database) as db:
            for revision in revisions(db.config):
                before = db.tables()
                held = db.snapshot().without(version_table)
                given_ = {"revision": revision, "rows held": _counts(held.rows)}
                try:
                    db.upgrade(revision)
                except Exception as error:
                    raise LawViolation(
                        ADDITIVE,
                        given_,
                        f"upgrade to {revision} failed: {error}",
                        f"upgrade to {revision} succeeds on a database holding rows",
                    ) from error
                after = db.tables()
                holds(ADDITIVE, given_, _undefaulted_additions(before, after), {})
                kept = db.snapshot().without(version_table)
                holds(
                    ROWS_SURVIVE,
                    given_,
                    *smallest_difference(*_surviving(kept, held, before, after)),
                )
                db.fill(data, version_table)

    run(evolve, settings, MIGRATION_SETTINGS)


def check_downgrade(
    config: ConfigLike,
    database: DatabaseFactory,
    *,
    settings: settings | None = None,
    version_table: str = "alembic_version",
) -> None:
    """In production a downgrade is refused and changes nothing; elsewhere each downgrade
    step restores the schema its revision had on the way up, and upgrading again ends where
    the first upgrade did."""

    @given(st.data())
    def down_and_up(data: st.DataObject) -> None:
        with _fresh(config, database) as db:
            order = revisions(db.config)
            schemas = {"base": db.snapshot().without(version_table).schema}
            for revision in order:
                db.upgrade(revision)
                schemas[revision] = db.snapshot().without(version_table).schema
            inserted = db.fill(data, version_table)
            held = db.snapshot()
            given_ = {"rows written": _counts(inserted)}
            try:
                db.downgrade("base", "production")
            except MigrationRefused:
                pass
            else:
                raise LawViolation(
                    FORWARD_ONLY, given_, "the downgrade to base ran", "MigrationRefused"
                )
            _unchanged(FORWARD_ONLY, given_, db.snapshot(), held)
            for target in _steps_down(db.config, order):
                db.downgrade(target, "development")
                restored = db.snapshot().without(version_table).schema
                holds(REVERSIBLE, {"downgraded to": target, **given_}, restored, schemas[target])
            db.upgrade("heads")
            again = db.snapshot().without(version_table).schema
            holds(
                REVERSIBLE, {"upgraded again to": order[-1:], **given_}, again, schemas[order[-1]]
            )

    run(down_and_up, settings, MIGRATION_SETTINGS)


def check_migrations(
    config: ConfigLike,
    database: DatabaseFactory,
    metadata: MetaData,
    *,
    settings: settings | None = None,
    version_table: str = "alembic_version",
) -> None:
    """Every migration law above, one after the other."""
    check_no_drift(config, database, metadata, version_table=version_table)
    check_upgrade_idempotent(config, database, settings=settings, version_table=version_table)
    check_additive_evolution(config, database, settings=settings, version_table=version_table)
    check_downgrade(config, database, settings=settings, version_table=version_table)


class _Database:
    """One fresh database, its engine, and the private loop the engine lives on."""

    def __init__(self, config: Config, engine: AsyncEngine, runner: BlockingRunner) -> None:
        self.config = config
        self._engine = engine
        self._runner = runner

    def upgrade(self, revision: str) -> None:
        self._runner.run(
            run_alembic_async(self._engine, command.upgrade, revision, config=self.config)
        )

    def downgrade(self, revision: str, environment: str) -> None:
        self._runner.run(
            run_alembic_async(
                self._engine,
                command.downgrade,
                revision,
                config=self.config,
                environment=environment,
            )
        )

    def snapshot(self) -> Snapshot:
        return self._runner.run(on_connection_async(self._engine, take_snapshot))

    def tables(self) -> MetaData:
        return self._runner.run(on_connection_async(self._engine, reflect))

    def fill(self, data: st.DataObject, version_table: str) -> dict[str, list[dict[str, Any]]]:
        """Insert generated rows into every table (but the version table); return them."""
        metadata = self.tables()
        rows = _draw_rows(data, metadata, self.snapshot(), version_table)

        def write(connection: Connection) -> None:
            for table in metadata.sorted_tables:
                if rows.get(table.name):
                    connection.execute(insert(table), rows[table.name])

        self._runner.run(on_connection_async(self._engine, write))
        return rows

    def drift(self, metadata: MetaData, version_table: str) -> list[str]:
        def compare(connection: Connection) -> list[str]:
            return differences(connection, metadata, version_table=version_table)

        return self._runner.run(on_connection_async(self._engine, compare))

    def require_at(self, expected: tuple[str, ...], version_table: str) -> None:
        found = self._runner.run(current_async(self._engine, version_table=version_table))
        if sorted(found) != sorted(expected):
            raise MigrationError(
                f"after the upgrade the database's {version_table} table holds {found}, not "
                f"the script heads {expected}: does env.py migrate on "
                "config.attributes['connection'] when it is set, and use that version table "
                "(else pass version_table=...)?"
            )


@contextmanager
def _fresh(config: ConfigLike, database: DatabaseFactory) -> Iterator[_Database]:
    resolved = as_config(config)
    with BlockingRunner() as runner:
        engine = open_engine(database())
        try:
            yield _Database(resolved, engine, runner)
        finally:
            runner.run(engine.dispose())


def _draw_rows(
    data: st.DataObject, metadata: MetaData, snapshot: Snapshot, version_table: str
) -> dict[str, list[dict[str, Any]]]:
    stored: dict[str, list[dict[str, Any]]] = {
        name: list(rows) for name, rows in snapshot.rows.items()
    }
    drawn: dict[str, list[dict[str, Any]]] = {}
    for table in metadata.sorted_tables:
        if table.name == version_table:
            continue
        rows = data.draw(
            rows_for(table, min_size=1, max_size=3, present=stored), label=f"rows of {table.name}"
        )
        drawn[table.name] = rows
        stored[table.name] = stored.get(table.name, []) + rows
    return drawn


def _counts(rows: Mapping[str, Sequence[Any]]) -> dict[str, int]:
    return {table: len(held) for table, held in sorted(rows.items())}


def _unchanged(law: str, given_: object, now: Snapshot, then: Snapshot) -> None:
    """The schema, then the rows, of ``now`` are those of ``then``; a row difference is shown
    as the smallest differing row and its columns."""
    holds(law, given_, *Snapshot(now.schema).differences(Snapshot(then.schema)))
    holds(law, given_, *smallest_difference(now.rows, then.rows))


def _undefaulted_additions(before: MetaData, after: MetaData) -> dict[str, str]:
    unsafe: dict[str, str] = {}
    for name, table in after.tables.items():
        if name not in before.tables:
            continue
        old = set(before.tables[name].columns.keys())
        for column in table.columns:
            if column.name not in old and not _fills_itself(column):
                unsafe[f"{name}.{column.name}"] = "NOT NULL without a server default"
    return unsafe


def _fills_itself(column: Column[Any]) -> bool:
    return (
        column.nullable is not False
        or column.server_default is not None
        or column.computed is not None
        or column.identity is not None
    )


def _surviving(
    kept: Snapshot, held: Snapshot, before: MetaData, after: MetaData
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
    """Rows after and before an upgrade, of the tables and columns it kept."""
    now: dict[str, list[dict[str, Any]]] = {}
    then: dict[str, list[dict[str, Any]]] = {}
    for name in sorted(held.rows):
        if name not in before.tables or name not in after.tables:
            continue
        columns = set(before.tables[name].columns.keys()) & set(after.tables[name].columns.keys())
        now[name] = _project(kept.rows.get(name, []), columns)
        then[name] = _project(held.rows[name], columns)
    return now, then


def _project(rows: Sequence[Mapping[str, Any]], columns: set[str]) -> list[dict[str, Any]]:
    projected = ({key: value for key, value in row.items() if key in columns} for row in rows)
    return sorted(projected, key=repr)


def _steps_down(config: Config, order: Sequence[str]) -> list[str]:
    """Targets for downgrading one revision at a time, or straight to base if history forks."""
    if not is_linear(config):
        return ["base"]
    return [*reversed(order[:-1]), "base"]
