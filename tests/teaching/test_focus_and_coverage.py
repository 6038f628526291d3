"""``check_focuses`` pins down which parts an optic reaches; ``check_generates`` and
``check_reaches`` keep strategies honest. Each can fail, on a planted wrong answer."""

from __future__ import annotations

import pytest
from hypothesis import strategies as st

from dualtrack import LawViolation, each, key
from laws.coverage import check_generates, check_reaches
from laws.focus import check_focuses

pairs = st.fixed_dictionaries({"a": st.integers(), "b": st.integers()})
orders = st.fixed_dictionaries(
    {"lines": st.lists(st.fixed_dictionaries({"qty": st.integers()}), max_size=3)}
)


def test_an_optic_on_the_asked_part_passes() -> None:
    check_focuses(key("a"), pairs, lambda pair: [pair["a"]])
    quantities = key("lines") >> each() >> key("qty")
    check_focuses(quantities, orders, lambda order: [line["qty"] for line in order["lines"]])


def test_a_lawful_optic_on_the_wrong_part_fails() -> None:
    with pytest.raises(LawViolation) as caught:
        check_focuses(key("b"), pairs, lambda pair: [pair["a"]])
    assert caught.value.law.startswith("focuses what was asked")


def test_a_strategy_drawing_an_invalid_value_fails() -> None:
    check_generates(st.integers(min_value=1), lambda n: n > 0)
    with pytest.raises(LawViolation) as caught:
        check_generates(st.integers(), lambda n: n > 0)
    assert caught.value.given == {"value": 0}


def test_a_strategy_that_never_reaches_a_case_fails() -> None:
    check_reaches(st.lists(st.integers()), lambda xs: xs == [], "the empty list")
    with pytest.raises(LawViolation) as caught:
        check_reaches(st.lists(st.integers(), min_size=1), lambda xs: xs == [], "the empty list")
    assert caught.value.law == "the strategy reaches the empty list"
