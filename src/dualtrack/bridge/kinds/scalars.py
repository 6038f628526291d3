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

from dualtrack.bridge.kinds.base import Kind, refuse, untag
from dualtrack.errors import InvalidRow


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


def _single(value: float) -> float:
    """``value`` rounded to the nearest 32-bit float, as a ``REAL`` column stores it."""
    rounded: float = struct.unpack("<f", struct.pack("<f", value))[0]
    return rounded


class FloatKind(Kind):
    """Finite floats (integers are accepted when exactly representable); ``single`` columns
    keep 32 bits, so values are rounded to 32 bits before they are stored. ``-0.0`` is spelled
    ``0.0``: it is equal to it, and some databases do not keep the sign of zero."""

    def __init__(self, single: bool) -> None:
        self.single = single
        self.wanted = "a finite 32-bit float" if single else "a finite float"

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


class DecimalKind(Kind):
    """Exact decimals, spelled ``{"$decimal": "12.5"}``; values with more places than the
    column's scale, or more digits than its precision, are refused rather than rounded.

    >>> money = DecimalKind(12, 2)
    >>> money.check(Decimal("1E+3"), "price"), money.encode(Decimal("1000.50"))
    (Decimal('1000.00'), {'$decimal': '1000.5'})
    >>> money.check(Decimal("0.125"), "price")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dualtrack.errors.InvalidRow: price holds a decimal of at most 12 digits, 2 after the ...
    """

    def __init__(self, precision: int | None, scale: int | None) -> None:
        self.precision = precision
        self.scale = 0 if precision is not None and scale is None else scale
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
        if self.scale is None:
            return value
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


def check_text(value: Any, where: str, wanted: str) -> str:
    """``value`` if it is a str every database stores: no NUL character, no lone surrogate."""
    if not isinstance(value, str):
        raise refuse(where, wanted, value)
    if "\x00" in value:
        raise InvalidRow(f"{where} cannot hold a NUL character (PostgreSQL refuses it)")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidRow(f"{where} got a str with a lone surrogate, which is not Unicode") from None
    return str(value)


class StringKind(Kind):
    """Text of at most ``length`` characters. A ``fixed`` (``CHAR``) column pads with spaces,
    so its values are kept without trailing spaces."""

    def __init__(self, length: int | None, fixed: bool) -> None:
        self.length = length
        self.fixed = fixed
        self.wanted = "text" if length is None else f"text of at most {length} characters"

    def check(self, value: Any, where: str) -> str:
        """``value`` if it is storable text within the length."""
        text = check_text(value, where, self.wanted)
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
