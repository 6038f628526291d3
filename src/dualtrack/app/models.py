"""The reference application's typed state: the seed's Brain ``Crystal``, as SQLAlchemy 2 models.

``Base.metadata`` is what the Alembic migrations in ``migrations/`` build, revision by revision,
and what the drift law compares them with. A crystal is the queryable half of a memory: its
content lives in agent memory as a ``Datum`` (``datum_id``), its hash, summary and tags here.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, MetaData, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates

from dualtrack.app.timestamps import UTCDateTime, require_aware, utc_now, utc_timestamp
from dualtrack.errors import InvalidRow

#: Constraint names follow one pattern, so migrations (and SQLite batch mode) can name them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: How many characters of the content a crystal keeps as its summary.
SUMMARY_LENGTH = 200

#: A JSON list of tags: JSONB on PostgreSQL (indexable, compared by value), JSON elsewhere.
Tags = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    """The declarative base of dualtrack's application-state models."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Crystal(Base):
    """A crystallised memory: queryable metadata for content stored in agent memory.

    ``parent_id`` is the causal parent crystal. Its foreign key has no ``ON DELETE`` action, so
    deleting a crystal never rewrites its children (the database refuses the delete instead),
    and it is checked at commit, so a whole chain can be written in one transaction in any order.

    >>> c = Crystal.from_content("Hello world", datum_id="d1", tags=["greeting"])
    >>> c.content_hash[:12], c.summary, c.tags
    ('64ec88ca00b2', 'Hello world', ['greeting'])
    """

    __tablename__ = "crystals"
    # Fetch server defaults (importance, created_at) right after INSERT: async code cannot
    # lazy-load an expired attribute later.
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 (SQLAlchemy's declared type)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    summary: Mapped[str] = mapped_column(String(SUMMARY_LENGTH))
    tags: Mapped[list[str]] = mapped_column(Tags, default=list)
    datum_id: Mapped[str] = mapped_column(String(64))
    parent_id: Mapped[str | None] = mapped_column(
        ForeignKey("crystals.id", deferrable=True, initially="DEFERRED"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utc_now, server_default=utc_timestamp()
    )
    importance: Mapped[float] = mapped_column(Float, server_default=text("0.5"))
    source: Mapped[str | None] = mapped_column(String(64))

    @classmethod
    def from_content(
        cls,
        content: str,
        *,
        datum_id: str,
        tags: Iterable[str] = (),
        parent_id: str | None = None,
        source: str | None = None,
        id: str | None = None,
    ) -> Crystal:
        """A crystal for ``content``: its sha-256 hash, its first 200 characters as summary."""
        return cls(
            id=id or uuid.uuid4().hex,
            content_hash=hashlib.sha256(content.encode()).hexdigest(),
            summary=content[:SUMMARY_LENGTH],
            tags=list(tags),
            datum_id=datum_id,
            parent_id=parent_id,
            source=source,
        )

    @validates("tags")
    def _check_tags(self, _key: str, tags: Any) -> list[str]:
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            raise InvalidRow(f"crystals.tags must be a list of strings, got {tags!r}")
        return tags

    @validates("created_at")
    def _check_created_at(self, _key: str, value: datetime) -> datetime:
        return require_aware(value, "crystals.created_at")
