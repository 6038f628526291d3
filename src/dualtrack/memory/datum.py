"""``Datum``: the immutable record of agent memory, bytes plus metadata plus a causal parent."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from dualtrack.errors import ContentTooLarge, InvalidDatum
from dualtrack.memory.limits import check_seconds, check_unicode, shown
from dualtrack.memory.metadata import EMPTY_METADATA, Metadata, metadata_of

#: The longest id (and ref or namespace name) a store accepts, in characters.
MAX_ID_LENGTH = 255

#: The longest content a datum holds, in bytes (64 MiB), the same for every store.
MAX_CONTENT_BYTES = 64 * 1024 * 1024

_JSON_FIELDS = ("id", "content", "created_at", "causal_parent", "metadata")


def check_id(value: object, what: str = "id", error: type[Exception] = InvalidDatum) -> str:
    """``value`` if it is a usable id: a non-empty str of at most 255 characters, no NUL.

    >>> check_id("note-1")
    'note-1'
    >>> check_id("")
    Traceback (most recent call last):
    ...
    dualtrack.errors.InvalidDatum: id must be a non-empty str, got ''
    """
    if type(value) is not str or not value:
        raise error(f"{what} must be a non-empty str, got {shown(value)}")
    if len(value) > MAX_ID_LENGTH:
        raise error(f"{what} has {len(value)} characters; the limit is {MAX_ID_LENGTH}")
    if "\x00" in value:
        raise error(f"{what} {shown(value)} contains a NUL character")
    return check_unicode(value, what, error)


def _check_content(value: object) -> bytes:
    if type(value) is bytes:
        return _check_size(value)
    if isinstance(value, bytearray | memoryview):
        return _check_size(bytes(value))
    if isinstance(value, str):
        raise InvalidDatum(
            "content must be bytes, got a str: encode it first, e.g. content=text.encode()"
        )
    raise InvalidDatum(f"content must be bytes, got {type(value).__name__}")


def _check_size(content: bytes) -> bytes:
    if len(content) > MAX_CONTENT_BYTES:
        raise ContentTooLarge(
            f"content has {len(content)} bytes; the limit is {MAX_CONTENT_BYTES} "
            "(MAX_CONTENT_BYTES): keep large blobs in a file or object store and put their "
            "address in the datum"
        )
    return content


def _check_time(value: object) -> float:
    seconds = check_seconds(value, "created_at", InvalidDatum)
    return seconds + 0.0  # -0.0 becomes 0.0: one spelling for one instant


class _Now:
    """The default of ``Datum.created_at``: the clock at construction (shown as such in help)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<the current time>"


_NOW: Any = _Now()


def _plain_id(value: object) -> bool:
    """Whether ``value`` is an id needing no closer look: a short ASCII str without NUL."""
    return (
        type(value) is str
        and 0 < len(value) <= MAX_ID_LENGTH
        and value.isascii()
        and "\x00" not in value
    )


@dataclass(frozen=True, slots=True, init=False)
class Datum:
    """One immutable memory: ``content`` bytes, JSON ``metadata``, and the ``causal_parent`` id.

    Frozen and hashable; two datums are equal when every field is equal. Build new ones with
    :meth:`create`, :meth:`derive` or :meth:`with_metadata`; stores never change a datum.

    >>> note = Datum(id="n1", content=b"hello", created_at=1.0, metadata={"tags": ["greeting"]})
    >>> note.metadata["tags"]
    ['greeting']
    >>> child = note.derive(b"hello again")
    >>> child.causal_parent, child.metadata == note.metadata
    ('n1', True)
    """

    id: str
    content: bytes
    created_at: float = field(default_factory=time.time)
    causal_parent: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __init__(
        self,
        id: str,
        content: bytes,
        created_at: float = _NOW,
        causal_parent: str | None = None,
        metadata: Mapping[str, Any] = EMPTY_METADATA,
    ) -> None:
        # Each check has a fast path for the common shape, so a datum of bytes, a float time
        # and small flat metadata builds in about a microsecond, with the same validation.
        if not (
            type(id) is str and 0 < len(id) <= MAX_ID_LENGTH and id.isascii() and "\x00" not in id
        ):
            check_id(id)
        if type(content) is not bytes or len(content) > MAX_CONTENT_BYTES:
            content = _check_content(content)
        if created_at is _NOW:
            created_at = time.time()
        elif type(created_at) is float and created_at - created_at == 0.0:  # finite
            created_at += 0.0  # -0.0 becomes 0.0: one spelling for one instant
        else:
            created_at = _check_time(created_at)
        if causal_parent is not None and not _plain_id(causal_parent):
            check_id(causal_parent, "causal_parent")
        if type(metadata) is not Metadata:
            metadata = metadata_of(metadata)
        _set_id(self, id)
        _set_content(self, content)
        _set_created_at(self, created_at)
        _set_causal_parent(self, causal_parent)
        _set_metadata(self, metadata)

    @classmethod
    def create(
        cls,
        content: bytes,
        *,
        metadata: Mapping[str, Any] | None = None,
        causal_parent: str | None = None,
        created_at: float | None = None,
        content_addressed: bool = False,
    ) -> Datum:
        """A new datum with a fresh id: uuid4 hex, or the sha-256 hex of the content.

        A content-addressed id names the bytes only, so two such datums with the same content
        but other metadata or times are different datums under one id: a store keeps the first.

        >>> Datum.create(b"abc", content_addressed=True).id[:16]
        'ba7816bf8f01cfea'
        """
        body = _check_content(content)
        new_id = hashlib.sha256(body).hexdigest() if content_addressed else uuid.uuid4().hex
        return cls(
            id=new_id,
            content=body,
            created_at=time.time() if created_at is None else created_at,
            causal_parent=causal_parent,
            metadata={} if metadata is None else metadata,
        )

    def derive(
        self,
        content: bytes,
        *,
        metadata: Mapping[str, Any] | None = None,
        created_at: float | None = None,
        content_addressed: bool = False,
    ) -> Datum:
        """A new child datum whose causal parent is this one; metadata defaults to this one's."""
        return Datum.create(
            content,
            metadata=self.metadata if metadata is None else metadata,
            causal_parent=self.id,
            created_at=created_at,
            content_addressed=content_addressed,
        )

    def with_metadata(self, updates: Mapping[str, Any] | None = None, /, **more: Any) -> Datum:
        """The same datum (same id) with metadata entries added or replaced: use before ``put``.

        >>> Datum(id="a", content=b"", created_at=0.0).with_metadata(kind="note").metadata
        Metadata({"kind":"note"})
        """
        merged = dict(self.metadata)
        merged.update(updates or {})
        merged.update(more)
        return Datum(
            id=self.id,
            content=self.content,
            created_at=self.created_at,
            causal_parent=self.causal_parent,
            metadata=merged,
        )

    @classmethod
    def trusted(
        cls,
        id: str,
        content: bytes,
        created_at: float,
        causal_parent: str | None,
        metadata_json: str,
    ) -> Datum:
        """A datum rebuilt from a row a store wrote itself: skips validation, parses lazily."""
        made = _new(cls)
        _set_id(made, id)
        _set_content(made, content)
        _set_created_at(made, created_at)
        _set_causal_parent(made, causal_parent)
        _set_metadata(made, Metadata.from_json(metadata_json))
        return made

    def _repr_html_(self) -> str:
        """Jupyter's table of this datum, content escaped (drawn by dualtrack.display)."""
        from dualtrack.display.datums import datum_html

        return datum_html(self)

    @property
    def metadata_json(self) -> str:
        """The metadata as compact JSON text (what stores write)."""
        assert isinstance(self.metadata, Metadata)
        return self.metadata.to_json()

    def to_json(self) -> str:
        """One-line JSON; content is always standard base64, so reading back never guesses.

        >>> Datum(id="a", content=b"hi", created_at=2.5).to_json()
        '{"id":"a","content":"aGk=","created_at":2.5,"causal_parent":null,"metadata":{}}'
        """
        content = base64.b64encode(self.content).decode("ascii")
        return (
            f'{{"id":{json.dumps(self.id, ensure_ascii=False)},"content":"{content}",'
            f'"created_at":{self.created_at!r},'
            f'"causal_parent":{json.dumps(self.causal_parent, ensure_ascii=False)},'
            f'"metadata":{self.metadata_json}}}'
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Datum:
        """The datum :meth:`to_json` wrote; anything else raises :class:`InvalidDatum`."""
        try:
            fields = json.loads(text)
        except (ValueError, UnicodeDecodeError) as error:
            raise InvalidDatum(f"not a JSON datum: {error}") from None
        if type(fields) is not dict or set(fields) != set(_JSON_FIELDS):
            raise InvalidDatum(f"a JSON datum is an object with exactly the keys {_JSON_FIELDS}")
        encoded = fields["content"]
        if type(encoded) is not str:
            raise InvalidDatum("a JSON datum's content must be a base64 string")
        try:
            content = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidDatum(f"content is not standard base64: {encoded[:40]!r}") from None
        metadata = fields["metadata"]
        if type(metadata) is not dict:
            raise InvalidDatum("a JSON datum's metadata must be an object")
        return cls(
            id=fields["id"],
            content=content,
            created_at=fields["created_at"],
            causal_parent=fields["causal_parent"],
            metadata=metadata,
        )

    @staticmethod
    def to_jsonl(datums: Iterable[Datum]) -> Iterator[str]:
        """One JSON line (ending in a newline) per datum, for files and streams."""
        for datum in datums:
            yield datum.to_json() + "\n"

    @staticmethod
    def from_jsonl(lines: Iterable[str | bytes]) -> Iterator[Datum]:
        """Datums from JSON lines; blank lines are skipped, a bad line names its number.

        >>> list(Datum.from_jsonl(Datum.to_jsonl([Datum(id="a", content=b"x", created_at=1.0)])))
        [Datum(id='a', content=b'x', created_at=1.0, causal_parent=None, metadata=Metadata({}))]
        """
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                yield Datum.from_json(line)
            except InvalidDatum as error:
                raise InvalidDatum(f"line {number}: {error}") from None


# The slots' own setters: a frozen datum's fields are written once, in ``__init__`` and
# ``trusted``, and these cost half of ``object.__setattr__`` (building datums is a hot path).
_new = object.__new__
_set_id = Datum.__dict__["id"].__set__
_set_content = Datum.__dict__["content"].__set__
_set_created_at = Datum.__dict__["created_at"].__set__
_set_causal_parent = Datum.__dict__["causal_parent"].__set__
_set_metadata = Datum.__dict__["metadata"].__set__
