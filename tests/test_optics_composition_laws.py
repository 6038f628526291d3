"""Every pair and triple of optic kinds composes into the weaker kind and keeps its laws."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import settings
from hypothesis import strategies as st

from dualtrack import CompositionError, identity
from dualtrack.optics.kinds import NAMES, join
from dualtrack.optics.optic import Optic
from laws.optics import check_associativity, check_identity, check_optic
from tests.optic_carrier import CARRIERS, pair, unpair

KIND_OF_NAME = {name: kind for kind, name in NAMES.items()}
FEW = settings(max_examples=15, deadline=None)


def expected_kind(first: str, second: str) -> str | None:
    kind = join(KIND_OF_NAME[first], KIND_OF_NAME[second])
    return None if kind is None else NAMES[kind]


def test_the_carrier_pairs_integers_losslessly() -> None:
    for n in range(-200, 200):
        assert pair(*unpair(n)) == n
    for a, b in itertools.product(range(-20, 20), repeat=2):
        assert unpair(pair(a, b)) == (a, b)


@pytest.mark.parametrize("kind", list(CARRIERS))
def test_each_carrier_keeps_the_laws_of_its_kind(kind: str) -> None:
    assert CARRIERS[kind].kind == kind
    check_optic(CARRIERS[kind], st.integers(), st.integers())


@pytest.mark.parametrize(("outer", "inner"), list(itertools.product(CARRIERS, repeat=2)))
def test_pairs_compose_into_the_weaker_kind_and_keep_its_laws(outer: str, inner: str) -> None:
    expected = expected_kind(outer, inner)
    if expected is None:
        with pytest.raises(CompositionError, match=f"cannot compose a {outer} with a {inner}"):
            CARRIERS[outer] >> CARRIERS[inner]
        return
    composed = CARRIERS[outer] >> CARRIERS[inner]
    assert composed.kind == expected
    check_optic(composed, st.integers(), st.integers(), settings=settings(max_examples=40))


@pytest.mark.parametrize("outer", list(CARRIERS))
def test_composition_is_associative(outer: str) -> None:
    for middle, inner in itertools.product(CARRIERS, repeat=2):
        check_associativity(
            CARRIERS[outer],
            CARRIERS[middle],
            CARRIERS[inner],
            st.integers(),
            st.integers(),
            settings=FEW,
        )


@pytest.mark.parametrize("kind", list(CARRIERS))
def test_identity_is_neutral(kind: str) -> None:
    check_identity(CARRIERS[kind], st.integers(), st.integers())


def test_identity_keeps_the_kind_of_what_it_meets() -> None:
    neutral: Optic[object, int, int] = identity()
    for name, optic in CARRIERS.items():
        assert (neutral >> optic).kind == name
        assert (optic >> neutral).kind == name
