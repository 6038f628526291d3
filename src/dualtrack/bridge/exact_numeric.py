"""``ExactNumeric``: a ``NUMERIC`` column type that keeps decimals exactly on SQLite too.

SQLite has no exact decimal type: a ``Numeric`` column there holds a 64-bit float, so a
``Numeric(20, 8)`` value of more than about 15 significant digits comes back changed, and
TableAdapter refuses it. ``ExactNumeric(20, 8)`` is ``NUMERIC(20, 8)`` on PostgreSQL and
canonical text on SQLite, with PostgreSQL's rules applied there too: a value is rounded to
``scale`` places (half away from zero), refused beyond ``precision`` digits, and read back as a
``Decimal`` with ``scale`` places. On SQLite, SQL comparisons and ``ORDER BY`` on the column
compare text, not numbers.

>>> from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select
>>> ledger = Table("ledger", MetaData(), Column("id", Integer, primary_key=True),
...                Column("amount", ExactNumeric(20, 8)))
>>> engine = create_engine("sqlite://")
>>> ledger.metadata.create_all(engine)
>>> with engine.begin() as connection:
...     amount = Decimal("123456789012.12345678")
...     _ = connection.execute(insert(ledger), {"id": 1, "amount": amount})
...     connection.scalar(select(ledger.c.amount))
Decimal('123456789012.12345678')
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, DecimalException, localcontext
from typing import Any

from sqlalchemy import Numeric, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


class ExactNumeric(TypeDecorator[Decimal]):
    """``NUMERIC(precision, scale)`` kept exactly everywhere: native where the database has an
    exact decimal type, canonical text on SQLite (see the module docstring)."""

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int | None = None, scale: int | None = None) -> None:
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.precision = precision
        self.scale = 0 if precision is not None and scale is None else scale

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """Text on SQLite, ``NUMERIC(precision, scale)`` elsewhere."""
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String())
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        """On SQLite: ``value`` rounded to the scale, as fixed-point text."""
        if value is None or dialect.name != "sqlite":
            return value
        return format(self.fit(value), "f")

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        """The stored value (text, on SQLite) as a ``Decimal``."""
        return None if value is None else Decimal(value)

    def fit(self, value: Any) -> Decimal:
        """``value`` as PostgreSQL's ``numeric(precision, scale)`` stores it: rounded to the
        scale, half away from zero; ``ValueError`` beyond the precision or for a non-number.

        >>> ExactNumeric(5, 2).fit(Decimal("1.005")), ExactNumeric(5, 2).fit(7)
        (Decimal('1.01'), Decimal('7.00'))
        >>> ExactNumeric(5, 2).fit(Decimal("1000"))
        Traceback (most recent call last):
        ...
        ValueError: numeric field overflow: 1000 has more than 3 digits before the point
        """
        if isinstance(value, int) and not isinstance(value, bool):
            value = Decimal(value)
        if not isinstance(value, Decimal) or not value.is_finite():
            raise ValueError(f"ExactNumeric holds finite Decimals and ints, got {value!r}")
        if self.scale is None:
            return value
        with localcontext() as context:
            context.prec = max(value.adjusted() + 1, 1) + self.scale + 2
            try:
                rounded = value.quantize(Decimal(1).scaleb(-self.scale), rounding=ROUND_HALF_UP)
            except DecimalException:
                raise ValueError(f"ExactNumeric cannot round {value!r}") from None
        if self.precision is not None and abs(rounded) >= Decimal(10) ** (
            self.precision - self.scale
        ):
            raise ValueError(
                f"numeric field overflow: {value} has more than "
                f"{self.precision - self.scale} digits before the point"
            )
        return rounded
