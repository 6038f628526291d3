"""Hypothesis strategies for retention: datums that expire, forget requests, lifetimes,
compaction policies and the moves of a clock.

Times cluster around the laws' clock (which starts at 1000.0) so that expiry times, lifetimes
and clock moves cross one another often.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from dualtrack.memory import Datum
from dualtrack.memory.retention import CompactionPolicy, expiring
from laws.dgent.strategies import contents, datum_ids, metadata

#: Where the laws' clock starts.
START = 1000.0

#: Instants near the start: creation and expiry times that the clock's moves cross.
instants: st.SearchStrategy[float] = st.one_of(
    st.sampled_from([START - 100.0, START - 1.0, START, START + 1.0, START + 5.0]),
    st.floats(min_value=START - 200.0, max_value=START + 200.0, allow_nan=False),
)

#: Clock moves: none, small steps and leaps.
steps: st.SearchStrategy[float] = st.sampled_from([0.0, 0.5, 1.0, 5.0, 60.0, 500.0])

#: Namespace lifetimes: mostly none.
lifetimes: st.SearchStrategy[float | None] = st.one_of(
    st.none(), st.none(), st.sampled_from([1.0, 10.0, 150.0]), st.floats(0.5, 400.0)
)

#: Compaction policies: the default, pruning with full or short history, each vacuum mode.
policies: st.SearchStrategy[CompactionPolicy] = st.builds(
    CompactionPolicy,
    unreachable=st.booleans(),
    history=st.none() | st.integers(min_value=0, max_value=2),
    vacuum=st.sampled_from(["none", "normal", "full"]),
)


@st.composite
def expiring_datums(draw: st.DrawFn, parents: tuple[str, ...] = ()) -> Datum:
    """One datum near the clock's start, sometimes carrying an expiry time."""
    parent = draw(st.none() | st.sampled_from(parents)) if parents else None
    datum = Datum(
        id=draw(datum_ids),
        content=draw(contents),
        created_at=draw(instants),
        causal_parent=parent,
        metadata=draw(metadata),
    )
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        datum = expiring(datum, draw(instants))
    return datum


@st.composite
def histories(draw: st.DrawFn, max_size: int = 10) -> list[Datum]:
    """Datums with distinct ids, each child after its parent, some expiring: a valid
    ``put_many`` batch, deep enough that forgetting one leaves survivors below it."""
    made: list[Datum] = []
    for place in range(draw(st.integers(min_value=0, max_value=max_size))):
        recent = tuple(d.id for d in made[-3:])
        datum = draw(expiring_datums(recent))
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


@dataclass(frozen=True)
class ForgetRequest:
    """The keyword arguments of one ``forget`` call."""

    arguments: dict[str, Any]


@st.composite
def forget_requests(draw: st.DrawFn, batch: list[Datum], refs: list[str]) -> ForgetRequest:
    """A ``forget`` call on ``batch``: some of its ids (and an unknown one), a prefix of one
    of them, a metadata pair one of them has, or one of ``refs``."""
    ids = [d.id for d in batch]
    kinds = ["ids", "prefix"]
    if any(d.metadata for d in batch):
        kinds.append("metadata")
    if refs:
        kinds.append("ref")
    kind = draw(st.sampled_from(kinds))
    if kind == "ids":
        chosen = draw(st.lists(st.sampled_from(ids), max_size=3)) if ids else []
        if draw(st.booleans()):
            chosen.append("never-stored")
        return ForgetRequest({"ids": chosen})
    if kind == "prefix":
        whole = draw(st.sampled_from(ids)) if ids else "a"
        return ForgetRequest({"prefix": whole[: draw(st.integers(1, max(1, len(whole))))]})
    if kind == "metadata":
        source = draw(st.sampled_from([d.metadata for d in batch if d.metadata]))
        name = draw(st.sampled_from(sorted(source)))
        return ForgetRequest({"metadata": {name: source[name]}})
    return ForgetRequest({"ref": draw(st.sampled_from(refs))})
