"""Every pair and triple of optic kinds composes into the weaker kind and keeps its laws."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st

from dualtrack import CompositionError, LawViolation, fold, identity, setter
from dualtrack.optics.kinds import NAMES, join
from dualtrack.optics.optic import Optic
from laws.optics import (
    check_associativity,
    check_fold,
    check_getter,
    check_identity,
    check_optic,
    check_setter,
)
from tests.optics.optic_carrier import CARRIERS, pair, unpair

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


def test_the_read_and_write_only_checks_accept_lawful_optics() -> None:
    check_getter(CARRIERS["Getter"], st.integers())
    check_getter(CARRIERS["Lens"], st.integers())
    check_fold(CARRIERS["Fold"], st.integers())
    check_fold(CARRIERS["Traversal"] >> CARRIERS["Getter"], st.integers())
    check_setter(CARRIERS["Setter"], st.integers(), st.integers())
    check_setter(CARRIERS["Traversal"], st.integers(), st.integers())


def test_a_setter_that_applies_its_function_twice_breaks_composition() -> None:
    twice = setter(lambda n, f: f(f(n)), name="twice")
    with pytest.raises(LawViolation, match=r"modify\(s, id\) == s|modify\(modify"):
        check_setter(twice, st.integers(), st.integers())


def test_the_read_checks_refuse_optics_of_other_kinds() -> None:
    elements: Optic[Any, list[int], int] = fold(lambda xs: xs, name="elements")
    check_fold(elements, st.lists(st.integers()))
    with pytest.raises(TypeError, match="expected an optic of kind"):
        check_getter(elements, st.lists(st.integers()))
    with pytest.raises(TypeError, match="expected an optic of kind"):
        check_fold(CARRIERS["Setter"], st.integers())
