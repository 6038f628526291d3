"""Expiry carried by the datum itself: a reserved metadata key holding seconds since the epoch.

``Datum`` has a fixed, frozen shape that every store, export and copy already carries, so an
expiry lives in its metadata under :data:`EXPIRES_AT`: it travels with the datum, and a copy
into another store expires at the same instant. Stores that implement ``Retention`` read it
at ``put`` and hide the datum from the moment ``expires_at <= now``.
"""

from __future__ import annotations

from dualtrack.errors import InvalidDatum
from dualtrack.memory.datum import Datum
from dualtrack.memory.limits import finite_number, shown

#: The metadata key holding a datum's expiry time (float seconds since the epoch).
EXPIRES_AT = "dualtrack.expires_at"


def expiring(datum: Datum, at: float) -> Datum:
    """``datum`` (same id) carrying the expiry time ``at``: use it before ``put``.

    >>> d = expiring(Datum(id="a", content=b"", created_at=0.0), 60.0)
    >>> expires_at(d)
    60.0
    """
    return datum.with_metadata({EXPIRES_AT: _checked(at)})


def expires_at(datum: Datum) -> float | None:
    """The expiry time ``datum`` carries, or ``None``; :class:`InvalidDatum` when the reserved
    key holds anything but a finite number.

    >>> bad = Datum(id="a", content=b"", created_at=0.0, metadata={EXPIRES_AT: "soon"})
    >>> expires_at(bad)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dualtrack.errors.InvalidDatum: metadata['dualtrack.expires_at'] must be float seconds ...
    """
    if EXPIRES_AT not in datum.metadata:
        return None
    return _checked(datum.metadata[EXPIRES_AT])


def _checked(value: object) -> float:
    if not finite_number(value):
        raise InvalidDatum(
            f"metadata[{EXPIRES_AT!r}] must be float seconds since the epoch, got {shown(value)}"
        )
    return float(value)
