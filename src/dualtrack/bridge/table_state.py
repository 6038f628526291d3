"""``TableStateBackend``: one table row as a versioned ``StateBackend`` (``as_state_backend``).

The state is the row as a dict of Python values by attribute name, without the key column (the
backend's key) and without the version column if there is one. Two ways to version it:

* ``version_field=`` an integer column: the version is its value, and ``save`` is one
  conditional ``UPDATE ... WHERE key = :key AND version = :expected`` that also increments it;
* no version column: the version is a digest of the row's canonical JSON, and ``save`` locks the
  row (SQLite: the database, by a write that changes nothing; PostgreSQL: ``SELECT ... FOR
  UPDATE``), compares the digest and updates it, in one transaction.

Either way a save from a stale version raises :class:`~dualtrack.errors.ConflictError` and
writes nothing. Before the row exists, ``load`` gives ``initial`` (version ``None``) and the first
save inserts the row; without ``initial`` a missing row is an :class:`UnknownDatum`.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import false, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from dualtrack.bridge.kinds.scalars import IntegerKind
from dualtrack.bridge.row_codec import Field
from dualtrack.errors import ConflictError, InvalidArgument, InvalidRow, UnknownDatum
from dualtrack.memory.metadata import canonical_json
from dualtrack.memory.sql.errors import describe
from dualtrack.state.backend import Version

if TYPE_CHECKING:
    from dualtrack.bridge.table_adapter import TableAdapter


class _Refused(Exception):
    """The database refused to insert the row (a constraint other than, or besides, the key)."""


class TableStateBackend:
    """The row keyed ``key`` of ``adapter``'s table as versioned state (see the module)."""

    def __init__(
        self,
        adapter: TableAdapter,
        key: str,
        *,
        initial: Mapping[str, Any] | None = None,
        version_field: str | None = None,
    ) -> None:
        codec = adapter.codec
        self._adapter = adapter
        self._codec = codec
        self._name = key
        self._key = codec.key.value(key, "state key")
        self._version = self._version_field(version_field)
        skipped = {codec.key_field.attr} | ({self._version.attr} if self._version else set())
        self._state_fields = [field for field in codec.fields if field.attr not in skipped]
        self._initial = None if initial is None else copy.deepcopy(dict(initial))
        if self._initial is not None:
            self._values(self._initial)
        self._row = select(codec.table).where(codec.key.column == self._key)

    def __repr__(self) -> str:
        return f"TableStateBackend({self._adapter!r}, {self._name!r})"

    def _version_field(self, name: str | None) -> Field | None:
        if name is None:
            return None
        field = self._codec.by_attr.get(name)
        if (
            field is None
            or not isinstance(field.kind, IntegerKind)
            or field is self._codec.key_field
        ):
            raise InvalidArgument(
                f"version_field={name!r} must name an integer column of {self._codec.table.name}"
            )
        return field

    def _values(self, state: Any) -> dict[str, Any]:
        """The checked row values of ``state``, with the key, ready to bind."""
        if not isinstance(state, Mapping):
            raise InvalidRow(
                f"the state of {self!r} is a row: a mapping of column names to values, "
                f"got {type(state).__name__}"
            )
        prefix = f"state {self._name!r}: "
        allowed = {field.attr for field in self._state_fields}
        extra = [name for name in state if name not in allowed]
        if extra:
            raise InvalidRow(
                f"{prefix}{extra[0]!r} is not a state column of {self._codec.table.name} "
                f"(state columns: {', '.join(sorted(allowed))})"
            )
        values = self._codec.checked(state, prefix)
        values[self._codec.key_field.attr] = self._key
        if self._version is not None:
            values[self._version.attr] = 0
        completed = self._codec.complete(values, prefix)
        if self._version is not None:
            del completed[self._version.attr]
        return completed

    def _state(self, row: Mapping[Any, Any]) -> dict[str, Any]:
        values = self._codec.values(row)
        return {field.attr: values[field.attr] for field in self._state_fields}

    def _digest(self, row: Mapping[Any, Any]) -> str:
        spelled = self._codec.spelled_row(row)
        state = {field.attr: spelled[field.attr] for field in self._state_fields}
        return hashlib.sha256(canonical_json(state).encode("utf-8")).hexdigest()[:32]

    def _version_of(self, row: Mapping[Any, Any]) -> Version:
        if self._version is None:
            return self._digest(row)
        return int(row[self._version.column])

    async def load(self) -> tuple[dict[str, Any], Version]:
        """The row's state and version; ``initial`` and ``None`` before the row exists."""

        async def read(session: AsyncSession) -> tuple[dict[str, Any], Version]:
            row = (await session.execute(self._row)).first()
            if row is not None:
                return self._state(row._mapping), self._version_of(row._mapping)
            if self._initial is None:
                raise UnknownDatum(
                    f"{self._codec.table.name} has no row {self._name!r}: insert it, or pass "
                    "initial= to as_state_backend"
                )
            return copy.deepcopy(self._initial), None

        return await self._adapter.run_transaction("load", read)

    async def save(self, state: dict[str, Any], expected_version: Version) -> Version:
        """Store ``state`` if the row is still at ``expected_version``; else
        :class:`ConflictError`, storing nothing."""
        values = self._values(state)
        if expected_version is None:
            return await self._insert(values)
        if self._version is not None:
            return await self._update_versioned(values, expected_version)
        return await self._update_compared(values, expected_version)

    def _stale(self, expected: Version, now: Version | str) -> ConflictError:
        return ConflictError(
            f"state {self._name!r} of {self._codec.table.name} changed since it was loaded "
            f"(now {now!r}, loaded {expected!r}): load it again and redo the change"
        )

    async def _insert(self, values: dict[str, Any]) -> Version:
        codec = self._codec
        bound = codec.statement_values(values)
        if self._version is not None:
            bound[self._version.column.key] = 1
        statement = insert(codec.table).values(bound).returning(*codec.table.columns)

        async def write(session: AsyncSession) -> Version:
            try:
                row = (await session.execute(statement)).one()
            except IntegrityError as error:
                raise _Refused(describe(error)) from error
            return self._version_of(row._mapping)

        async def present(session: AsyncSession) -> bool:
            return (await session.execute(self._row)).first() is not None

        try:
            return await self._adapter.run_transaction("save", write)
        except _Refused as refused:
            if await self._adapter.run_transaction("save", present):
                raise self._stale(None, "a row another writer inserted") from None
            raise InvalidRow(
                f"{self._codec.table.name} refused state {self._name!r}: {refused}"
            ) from None

    async def _update_versioned(self, values: dict[str, Any], expected: Version) -> Version:
        codec = self._codec
        assert self._version is not None
        if type(expected) is not int:
            raise self._stale(expected, "an integer version")
        version = self._version.column
        statement = (
            update(codec.table)
            .where(codec.key.column == self._key, version == expected)
            .values({**codec.statement_values(values), version.key: expected + 1})
        )

        async def write(session: AsyncSession) -> Version:
            moved = await session.execute(statement)
            if getattr(moved, "rowcount", 0) != 1:
                raise self._stale(expected, "another version")
            return expected + 1

        return await self._adapter.run_transaction("save", write)

    async def _update_compared(self, values: dict[str, Any], expected: Version) -> Version:
        codec = self._codec
        key = codec.key.column
        lock = update(codec.table).where(false()).values({key.key: key})
        statement = (
            update(codec.table)
            .where(key == self._key)
            .values(codec.statement_values(values))
            .returning(*codec.table.columns)
        )

        async def write(session: AsyncSession) -> Version:
            await session.execute(lock)
            row = (await session.execute(self._row.with_for_update())).first()
            now = None if row is None else self._digest(row._mapping)
            if now != expected:
                raise self._stale(expected, now)
            return self._version_of((await session.execute(statement)).one()._mapping)

        return await self._adapter.run_transaction("save", write)
