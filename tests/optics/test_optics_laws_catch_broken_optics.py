"""The optic laws fail, with a useful message, on optics planted to break them."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st
from returns.maybe import Nothing, Some

from dualtrack import LawViolation, iso, key, lens, prism, traversal
from laws.optics import check_iso, check_lens, check_prism, check_traversal
from laws.strategies import dicts_with

ints = st.integers()


def test_a_lens_whose_set_ignores_its_value_breaks_put_get() -> None:
    ignoring = lens(lambda s: s["n"], lambda s, a: dict(s), name="ignoring")
    with pytest.raises(LawViolation) as caught:
        check_lens(ignoring, dicts_with(["n"], ints), ints)
    message = str(caught.value)
    assert "PutGet: get(set(s, a)) == a" in message
    assert "input: {'source':" in message
    assert "left:" in message
    assert "right:" in message
    assert caught.value.left != caught.value.right


def test_a_lens_that_counts_writes_breaks_get_put() -> None:
    def counting_set(s: dict[str, int], a: int) -> dict[str, int]:
        return {**s, "n": a, "writes": s.get("writes", 0) + 1}

    counting = lens(lambda s: s["n"], counting_set, name="counting")
    with pytest.raises(LawViolation, match="GetPut"):
        check_lens(counting, st.fixed_dictionaries({"n": ints}), ints)


def test_a_lens_that_keeps_the_first_write_breaks_put_put() -> None:
    def first_write(s: dict[str, Any], a: int) -> dict[str, Any]:
        return {"n": a, "old": s.get("old", s["n"])}

    sticky = lens(lambda s: s["n"], first_write, name="sticky")
    with pytest.raises(LawViolation, match=r"GetPut|PutPut"):
        check_lens(sticky, st.fixed_dictionaries({"n": ints}), ints)


def test_the_smallest_failing_input_is_reported() -> None:
    off_by_one = lens(lambda s: s["n"], lambda s, a: {**s, "n": a + 1}, name="off_by_one")
    with pytest.raises(LawViolation) as caught:
        check_lens(off_by_one, st.fixed_dictionaries({"n": ints}), ints)
    assert caught.value.law.startswith("GetPut")
    assert caught.value.given == {"source": {"n": 0}}, "GetPut uses no a and no b"


def test_a_violation_lists_only_the_inputs_its_law_uses() -> None:
    def off_when_changed(s: dict[str, int], a: int) -> dict[str, int]:
        return {**s, "n": a if a == s["n"] else a + 1}

    drifting = lens(lambda s: s["n"], off_when_changed, name="drifting")
    with pytest.raises(LawViolation) as caught:
        check_lens(drifting, st.fixed_dictionaries({"n": ints}), ints)
    assert caught.value.law.startswith("PutGet")
    assert set(caught.value.given) == {"source", "a"}


def test_a_prism_whose_review_misses_its_match_breaks_the_round_trip() -> None:
    wrong = prism(
        lambda n: Some(n // 2) if n % 2 == 0 else Nothing, lambda a: 2 * a + 1, name="wrong"
    )
    with pytest.raises(LawViolation, match="ReviewPreview"):
        check_prism(wrong, ints, ints)


def test_an_iso_that_is_not_inverse_breaks_a_round_trip() -> None:
    lossy = iso(lambda n: n // 2, lambda n: n * 2, name="lossy")
    with pytest.raises(LawViolation, match=r"review\(get\(s\)\) == s"):
        check_iso(lossy, ints, ints)


def test_a_traversal_that_applies_twice_breaks_composition() -> None:
    twice = traversal(lambda xs: xs, lambda xs, f: [f(f(x)) for x in xs], name="twice")
    with pytest.raises(LawViolation, match=r"modify"):
        check_traversal(twice, st.lists(ints, min_size=1), ints)


def test_a_traversal_that_skips_a_focus_on_write_breaks_read_write_agreement() -> None:
    skipping = traversal(
        lambda xs: xs, lambda xs, f: [f(x) for x in xs[:-1]] + xs[-1:], name="skip"
    )
    with pytest.raises(LawViolation):
        check_traversal(skipping, st.lists(ints, min_size=1), ints)


def test_kind_specific_checks_refuse_optics_of_another_kind() -> None:
    with pytest.raises(TypeError, match="expected an optic of kind Iso"):
        check_iso(key("a"), st.just({"a": 1}), ints)
