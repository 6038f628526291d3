"""Hypothesis strategies for agent memory: awkward ids, JSON metadata, datums and causal forests.

Ids deliberately include SQL and LIKE metacharacters (``%``, ``_``, quotes, ``;``), mixed case
and non-ASCII letters, and times repeat often, so ordering ties and prefix filters get tested.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from dualtrack.memory import Datum

_TRICKY = list("aAb%_'\";\\ é-")

#: Ids: short ones from a tricky alphabet (so prefixes are shared), and arbitrary text.
datum_ids: st.SearchStrategy[str] = st.one_of(
    st.text(st.sampled_from(_TRICKY), min_size=1, max_size=5),
    st.text(
        st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
        min_size=1,
        max_size=12,
    ),
)

#: Creation times: a few repeated values (ties) and arbitrary finite floats.
times: st.SearchStrategy[float] = st.one_of(
    st.sampled_from([0.0, 1.0, 1.5, 2.0, 1.7e9]),
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
)

_json_scalars: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from([0, 1, 1.0, True, False, None, "x", "X", "%", "'; DROP TABLE datums; --"]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=6),
)

#: JSON values for metadata, small and often repeated so filters find matches.
json_values: st.SearchStrategy[Any] = st.recursive(
    _json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=6,
)

#: Metadata keys: common ones, ones that look like SQL or JSON paths, and arbitrary text.
metadata_keys: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(["kind", "tags", "n", "a'b", "%", "$.x", 'k") OR 1=1 --', "a.b", ""]),
    st.text(max_size=4),
)

metadata: st.SearchStrategy[dict[str, Any]] = st.dictionaries(
    metadata_keys, json_values, max_size=3
)

#: Content: raw bytes (often not UTF-8) and encoded text (searchable).
contents: st.SearchStrategy[bytes] = st.one_of(
    st.binary(max_size=24),
    st.text(max_size=40).map(str.encode),
    st.sampled_from([b"the cat sat", b"the cat sat down", b"quantum flux", b""]),
)


@st.composite
def datums(draw: st.DrawFn, parents: tuple[str, ...] = ()) -> Datum:
    """One datum whose causal parent, if any, is drawn from ``parents``."""
    parent = draw(st.none() | st.sampled_from(parents)) if parents else None
    return Datum(
        id=draw(datum_ids),
        content=draw(contents),
        created_at=draw(times),
        causal_parent=parent,
        metadata=draw(metadata),
    )


@st.composite
def forests(draw: st.DrawFn, max_size: int = 12) -> list[Datum]:
    """Datums with distinct ids, each child after its parent: a valid ``put_many`` batch."""
    made: list[Datum] = []
    for place in range(draw(st.integers(min_value=0, max_value=max_size))):
        datum = draw(datums(tuple(d.id for d in made)))
        if any(d.id == datum.id for d in made):
            datum = Datum(
                id=f"{datum.id}#{place}",
                content=datum.content,
                created_at=datum.created_at,
                causal_parent=datum.causal_parent,
                metadata=datum.metadata,
            )
        made.append(datum)
    return made
