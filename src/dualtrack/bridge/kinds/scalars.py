"""Kinds of the plain column types: booleans, numbers, text, enums, UUIDs and bytes."""

from __future__ import annotations

import base64
import binascii
import enum
import math
import struct
import uuid
from decimal import Decimal, DecimalException, localcontext
from typing import Any

from sqlalchemy import types as sqltypes
from sqlalchemy.types import TypeEngine

from dualtrack.bridge.kinds.base import Kind, refuse, untag
from dualtrack.errors import InvalidRow

#: The widest integer SQLite stores: every INTEGER column holds 64 bits, whatever it declares.
SQLITE_INTEGER_BOUND = 2**63 - 1


class BooleanKind(Kind):
    """``true`` or ``false``; integers are refused rather than read as truth values."""

    wanted = "true or false"

    def check(self, value: Any, where: str) -> bool:
        """``value`` if it is a bool."""
        if type(value) is not bool:
            raise refuse(where, self.wanted, value)
        return value

    def decode(self, value: Any, where: str) -> bool:
        """A JSON boolean."""
        return self.check(value, where)

    def encode(self, value: Any) -> bool:
        """The JSON boolean."""
        return bool(value)

    def normalise(self, value: Any) -> bool:
        """A bool (some drivers return 0 and 1)."""
        return bool(value)


class IntegerKind(Kind):
    """Integers within ``-bound ..= bound`` (the column's width), never booleans or floats."""

    def __init__(self, bound: int) -> None:
        self.bound = bound
        self.wanted = f"an integer between {-bound} and {bound}"

    def check(self, value: Any, where: str) -> int:
        """``value`` as an int, if it is an integer within the column's width."""
        if not isinstance(value, int) or isinstance(value, bool) or abs(value) > self.bound:
            raise refuse(where, self.wanted, value)
        return int(value)

    def decode(self, value: Any, where: str) -> int:
        """A JSON integer."""
        return self.check(value, where)

    def encode(self, value: Any) -> int:
        """The JSON integer."""
        return int(value)

    def normalise(self, value: Any) -> int:
        """An int."""
        return int(value)

    def on(self, dialect: str | None, stored: TypeEngine[Any]) -> Kind:
        """On SQLite every integer column holds 64 bits."""
        if dialect == "sqlite" and self.bound != SQLITE_INTEGER_BOUND:
            return IntegerKind(SQLITE_INTEGER_BOUND)
        return self


def _single(value: float) -> float:
    """``value`` rounded to the nearest 32-bit float, as a ``REAL`` column stores it."""
    rounded: float = struct.unpack("<f", struct.pack("<f", value))[0]
    return rounded


def _places_and_digits(number: Decimal) -> tuple[int, int]:
    """How many digits ``number`` has after the point, and before it.

    >>> _places_and_digits(Decimal("120.50")), _places_and_digits(Decimal("1E+2"))
    ((1, 3), (0, 3))
    """
    _sign, digits, exponent = number.normalize().as_tuple()
    assert isinstance(exponent, int)
    places = max(-exponent, 0)
    return places, max(len(digits) + exponent, 0) if number else 0


def _single_float(type_: TypeEngine[Any]) -> bool:
    """Whether a column type is a 32-bit float (``REAL``, or a ``Float`` of at most 24 bits)."""
    if not isinstance(type_, sqltypes.Float):
        return False
    return isinstance(type_, sqltypes.REAL) or (
        type_.precision is not None and type_.precision <= 24
    )


class FloatKind(Kind):
    """Finite floats (integers are accepted when exactly representable). A ``single`` column
    keeps 32 bits, so values are rounded to 32 bits before they are stored; a ``Numeric``
    column read as floats (``asdecimal=False``) keeps ``scale`` places and ``precision``
    digits, so a float whose shortest decimal does not fit is refused rather than rounded.
    ``-0.0`` is spelled ``0.0``: it is equal to it, and some databases do not keep the sign of
    zero."""

    def __init__(
        self, single: bool, precision: int | None = None, scale: int | None = None
    ) -> None:
        self.single = single
        self.precision = precision
        self.scale = 0 if precision is not None and scale is None else scale
        self.wanted = "a finite 32-bit float" if single else "a finite float"
        if self.scale is not None:
            self.wanted += f" of at most {self.scale} places"
        if precision is not None:
            self.wanted += f" and {precision} digits"

    def check(self, value: Any, where: str) -> float:
        """``value`` as the float the column stores."""
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise refuse(where, self.wanted, value)
        try:
            number = float(value)
            if self.single:
                number = _single(number)
        except (OverflowError, struct.error):
            raise refuse(where, self.wanted, value) from None
        if not math.isfinite(number) or (isinstance(value, int) and number != value):
            raise refuse(where, self.wanted + " (JSON and SQL agree on finite ones only)", value)
        if self.scale is not None:
            places, digits = _places_and_digits(Decimal(repr(number)))
            limit = None if self.precision is None else self.precision - self.scale
            if places > self.scale or (limit is not None and digits > limit):
                raise refuse(where, self.wanted + " (the database would round it)", value)
        return number

    def decode(self, value: Any, where: str) -> float:
        """A JSON number."""
        return self.check(value, where)

    def encode(self, value: Any) -> float:
        """The float, with ``-0.0`` spelled ``0.0``."""
        return float(value) + 0.0

    def normalise(self, value: Any) -> float:
        """A float (SQLite may return an integral float as an int)."""
        return float(value)

    def on(self, dialect: str | None, stored: TypeEngine[Any]) -> Kind:
        """SQLite keeps every float column as a 64-bit ``REAL``, whatever it declares."""
        if dialect == "sqlite" and (self.single or self.scale is not None):
            return FloatKind(False)
        return self


def plain_decimal(value: Decimal) -> str:
    """The shortest fixed-point text of ``value``: no exponent, no trailing zeros, ``0`` unsigned.

    >>> [plain_decimal(Decimal(text)) for text in ("1.100", "1E+2", "-0.0")]
    ['1.1', '100', '0']
    """
    if value == 0:
        return "0"
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    kept = list(digits)
    while exponent < 0 and kept[-1] == 0:
        kept.pop()
        exponent += 1
    return format(Decimal((sign, tuple(kept), exponent)), "f")


def _read_scale(stored: TypeEngine[Any]) -> int:
    """The places SQLAlchemy reads a float-stored decimal back with (its return scale)."""
    for name in ("decimal_return_scale", "scale"):
        places = getattr(stored, name, None)
        if places is not None:
            return int(places)
    return 10


class DecimalKind(Kind):
    """Exact decimals, spelled ``{"$decimal": "12.5"}``; values with more places than the
    column's scale, or more digits than its precision, are refused rather than rounded.

    Where the database keeps the column as a float (``Numeric`` on SQLite, ``Float(asdecimal=
    True)`` everywhere), SQLAlchemy reads it back as the float's decimal to a fixed number of
    ``float_places``: a value is refused unless it comes back unchanged, and every value read
    from such a column does.

    >>> money = DecimalKind(12, 2)
    >>> money.check(Decimal("1E+3"), "price"), money.encode(Decimal("1000.50"))
    (Decimal('1000.00'), {'$decimal': '1000.5'})
    >>> money.check(Decimal("0.125"), "price")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dualtrack.errors.InvalidRow: price holds a decimal of at most 12 digits, 2 after the ...
    >>> as_float = DecimalKind(None, None, float_places=2)
    >>> as_float.check(Decimal("1234567890123456.78"), "p")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dualtrack.errors.InvalidRow: p keeps decimals as 64-bit floats read back to 2 places: ...
    """

    def __init__(
        self,
        precision: int | None,
        scale: int | None,
        *,
        float_places: int | None = None,
        single: bool = False,
    ) -> None:
        self.precision = precision
        self.scale = 0 if precision is not None and scale is None else scale
        self.float_places = float_places
        self.single = single
        if precision is None:
            self.wanted = "a finite decimal"
        else:
            self.wanted = f"a decimal of at most {precision} digits, {self.scale} after the point"

    def check(self, value: Any, where: str) -> Decimal:
        """``value`` as a Decimal within the column's precision and scale."""
        if isinstance(value, int) and not isinstance(value, bool):
            value = Decimal(value)
        if not isinstance(value, Decimal) or not value.is_finite():
            raise refuse(where, self.wanted, value)
        exact = value if self.scale is None else self._quantized(value, where)
        if self.float_places is None:
            return exact
        back = self._read_back(exact, where)
        if back != exact:
            raise InvalidRow(
                f"{where} keeps decimals as {32 if self.single else 64}-bit floats read back "
                f"to {self.float_places} places: {plain_decimal(exact)} would come back as "
                f"{plain_decimal(back)}; keep to about 15 significant digits, or store exact "
                "decimals in a column that keeps them (NUMERIC on PostgreSQL, "
                "dualtrack.bridge.ExactNumeric on SQLite)"
            )
        return back

    def _quantized(self, value: Decimal, where: str) -> Decimal:
        assert self.scale is not None
        try:
            with localcontext() as context:
                context.prec = max(value.adjusted() + 1, 1) + self.scale + 2
                exact = value.quantize(Decimal(1).scaleb(-self.scale))
        except DecimalException:
            raise refuse(where, self.wanted, value) from None
        if exact != value or (
            self.precision is not None
            and abs(exact) >= Decimal(10) ** (self.precision - self.scale)
        ):
            raise refuse(where, self.wanted, value)
        return exact

    def _read_back(self, value: Decimal, where: str) -> Decimal:
        """What the database gives back for ``value`` stored as a float."""
        assert self.float_places is not None
        try:
            number = _single(float(value)) if self.single else float(value)
        except (OverflowError, struct.error):
            number = math.inf
        if not math.isfinite(number):
            raise refuse(where, self.wanted + " within the range of a float", value)
        return Decimal(f"{number:.{self.float_places}f}")

    def decode(self, value: Any, where: str) -> Decimal:
        """``{"$decimal": text}``."""
        text = untag(value, "$decimal", where, self.wanted)
        if type(text) is not str:
            raise refuse(where, self.wanted + " as text", text)
        try:
            number = Decimal(text)
        except DecimalException:
            raise refuse(where, self.wanted, text) from None
        return self.check(number, where)

    def encode(self, value: Any) -> dict[str, str]:
        """``{"$decimal": shortest fixed-point text}``."""
        return {"$decimal": plain_decimal(Decimal(value))}

    def on(self, dialect: str | None, stored: TypeEngine[Any]) -> Kind:
        """A column stored as a float keeps what survives the float; SQLite keeps any number
        of digits in a column it stores as a float, and checks neither precision nor scale."""
        as_float = isinstance(stored, sqltypes.Float) or (
            dialect in ("sqlite", None) and isinstance(stored, sqltypes.Numeric)
        )
        if not as_float:
            return self
        places = _read_scale(stored)
        single = dialect != "sqlite" and _single_float(stored)
        if dialect == "sqlite":
            return DecimalKind(None, None, float_places=places, single=False)
        return DecimalKind(self.precision, self.scale, float_places=places, single=single)


def check_text(value: Any, where: str, wanted: str, nul: bool = False) -> str:
    """``value`` if it is a str the database stores: no lone surrogate, and no NUL character
    unless ``nul`` (PostgreSQL's text refuses it, SQLite's keeps it)."""
    if not isinstance(value, str):
        raise refuse(where, wanted, value)
    if "\x00" in value and not nul:
        raise InvalidRow(
            f"{where} cannot hold a NUL character (\\x00): PostgreSQL's text refuses it; "
            "remove it, or store the value as bytes"
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidRow(f"{where} got a str with a lone surrogate, which is not Unicode") from None
    return str(value)


class StringKind(Kind):
    """Text of at most ``length`` characters. A ``fixed`` (``CHAR``) column pads with spaces,
    so its values are kept without trailing spaces. On SQLite, which checks no length, pads
    nothing and keeps NUL characters, text is kept exactly as it is."""

    def __init__(self, length: int | None, fixed: bool, nul: bool = False) -> None:
        self.length = length
        self.fixed = fixed
        self.nul = nul
        self.wanted = "text" if length is None else f"text of at most {length} characters"

    def check(self, value: Any, where: str) -> str:
        """``value`` if it is storable text within the length."""
        text = check_text(value, where, self.wanted, self.nul)
        if self.fixed:
            text = text.rstrip(" ")
        if self.length is not None and len(text) > self.length:
            raise InvalidRow(f"{where} holds at most {self.length} characters; got {len(text)}")
        return text

    def decode(self, value: Any, where: str) -> str:
        """A JSON string."""
        return self.check(value, where)

    def encode(self, value: Any) -> str:
        """The string."""
        return self.normalise(value)

    def normalise(self, value: Any) -> str:
        """The string, without the padding of a fixed-width column."""
        return str(value).rstrip(" ") if self.fixed else str(value)

    def on(self, dialect: str | None, stored: TypeEngine[Any]) -> Kind:
        """SQLite's text: any length, no padding, NUL characters kept."""
        if dialect == "sqlite":
            return StringKind(None, False, nul=True)
        return self


class ChoiceKind(Kind):
    """One of a fixed set of strings (an ``Enum`` column without a Python enum class)."""

    def __init__(self, choices: tuple[str, ...]) -> None:
        self.choices = frozenset(choices)
        self.wanted = "one of " + ", ".join(repr(choice) for choice in choices)

    def check(self, value: Any, where: str) -> str:
        """``value`` if it is one of the choices."""
        if not isinstance(value, str) or value not in self.choices:
            raise refuse(where, self.wanted, value)
        return value

    def decode(self, value: Any, where: str) -> str:
        """A JSON string."""
        return self.check(value, where)

    def encode(self, value: Any) -> str:
        """The string."""
        return str(value)


class EnumKind(Kind):
    """Members of a Python enum, spelled ``{"$enum": "NAME"}`` by member name."""

    def __init__(self, enum_class: type[enum.Enum]) -> None:
        self.enum_class = enum_class
        names = ", ".join(member.name for member in enum_class)
        self.wanted = f"a member of {enum_class.__name__} ({names})"

    def check(self, value: Any, where: str) -> enum.Enum:
        """``value`` if it is a member of the enum."""
        if not isinstance(value, self.enum_class):
            raise refuse(where, self.wanted, value)
        return value

    def decode(self, value: Any, where: str) -> enum.Enum:
        """``{"$enum": name}``."""
        name = untag(value, "$enum", where, self.wanted)
        if type(name) is not str or name not in self.enum_class.__members__:
            raise refuse(where, self.wanted, name)
        return self.enum_class[name]

    def encode(self, value: Any) -> dict[str, str]:
        """``{"$enum": member name}``."""
        return {"$enum": value.name}


class UuidKind(Kind):
    """UUIDs: ``uuid.UUID`` values spelled ``{"$uuid": "…"}``, or, for a column that holds
    them as strings (``as_uuid=False``), their canonical lower-case text."""

    wanted = "a UUID"

    def __init__(self, as_uuid: bool) -> None:
        self.as_uuid = as_uuid

    def check(self, value: Any, where: str) -> uuid.UUID | str:
        """``value`` as the column's Python type."""
        if self.as_uuid:
            if not isinstance(value, uuid.UUID):
                raise refuse(where, "a uuid.UUID", value)
            return value
        if not isinstance(value, str):
            raise refuse(where, "a UUID as text", value)
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise refuse(where, "a UUID as text", value) from None

    def decode(self, value: Any, where: str) -> uuid.UUID | str:
        """``{"$uuid": text}``, or the text alone for a string column."""
        if not self.as_uuid:
            return self.check(value, where)
        text = untag(value, "$uuid", where, self.wanted)
        if type(text) is not str:
            raise refuse(where, "a UUID as text", text)
        try:
            return uuid.UUID(text)
        except ValueError:
            raise refuse(where, "a UUID as text", text) from None

    def encode(self, value: Any) -> Any:
        """The canonical spelling."""
        text = str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
        return {"$uuid": text} if self.as_uuid else text


class BytesKind(Kind):
    """Binary data of at most ``length`` bytes, spelled ``{"$bytes": standard base64}``."""

    def __init__(self, length: int | None) -> None:
        self.length = length
        self.wanted = "bytes" if length is None else f"at most {length} bytes"

    def check(self, value: Any, where: str) -> bytes:
        """``value`` as bytes, within the length."""
        if not isinstance(value, bytes | bytearray | memoryview):
            raise refuse(where, self.wanted, value)
        data = bytes(value)
        if self.length is not None and len(data) > self.length:
            raise InvalidRow(f"{where} holds at most {self.length} bytes; got {len(data)}")
        return data

    def decode(self, value: Any, where: str) -> bytes:
        """``{"$bytes": base64}``."""
        text = untag(value, "$bytes", where, self.wanted)
        if type(text) is not str:
            raise refuse(where, "base64 text", text)
        try:
            return self.check(base64.b64decode(text, validate=True), where)
        except (binascii.Error, ValueError):
            raise refuse(where, "standard base64 text", text) from None

    def encode(self, value: Any) -> dict[str, str]:
        """``{"$bytes": standard base64}``."""
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}

    def normalise(self, value: Any) -> bytes:
        """Bytes (drivers may return memoryview)."""
        return bytes(value)

    def on(self, dialect: str | None, stored: TypeEngine[Any]) -> Kind:
        """SQLite's ``BLOB`` and PostgreSQL's ``bytea`` check no length."""
        if dialect in ("sqlite", "postgresql") and self.length is not None:
            return BytesKind(None)
        return self
