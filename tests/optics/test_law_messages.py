"""Law failures say what differs when both sides print alike, and show the generated
functions a failing law used as the answers they gave."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import strategies as st

from dualtrack import LawViolation, key, lens, setter
from dualtrack.exact import same_value
from laws.core import holds
from laws.optics import check_lens, check_setter
from laws.strategies import look_alike_text
from tests.seeded import NO_DATABASE, caught_on_seeds


def test_text_equal_after_normalisation_is_told_by_its_code_points() -> None:
    with pytest.raises(LawViolation) as caught:
        holds("same name", {}, {"name": "Zoe\u0308"}, {"name": "Zo\u00eb"})
    assert "differs at ['name']: code points" in str(caught.value)
    assert "U+0308" in str(caught.value)
    assert "U+00EB" in str(caught.value)


def test_equal_numbers_of_other_types_are_told_apart() -> None:
    with pytest.raises(LawViolation, match=r"differs at \[0\]: int 1 on the left, bool True"):
        holds("same flags", {}, [1], [True], same_value)


def test_equal_objects_that_are_not_the_same_one_are_told() -> None:
    class Box:
        def __eq__(self, other: object) -> bool:
            return isinstance(other, Box)

        __hash__ = object.__hash__

        def __repr__(self) -> str:
            return "Box()"

    with pytest.raises(LawViolation, match="equal values, but two objects"):
        holds("the very object", {}, Box(), Box(), lambda a, b: a is b)


def test_a_failing_setter_law_shows_its_functions_as_answers() -> None:
    def doubling(s: dict[str, int], f: object) -> dict[str, int]:
        assert callable(f)
        return {**s, "n": f(f(s["n"]))}

    twice = setter(doubling, name="twice")
    with pytest.raises(LawViolation) as caught:
        check_setter(twice, st.fixed_dictionaries({"n": st.integers()}), st.integers())
    assert "pure function {" in str(caught.value)
    assert "->" in str(caught.value)


def normalising(s: dict[str, str], a: str) -> dict[str, str]:
    return {**s, "name": unicodedata.normalize("NFC", a)}


NFC = lens(lambda s: s["name"], normalising, name="nfc name")


def test_a_lens_normalising_unicode_is_caught_on_every_seed() -> None:
    sources = st.fixed_dictionaries({"name": look_alike_text()})
    missed = caught_on_seeds(
        lambda: check_lens(NFC, sources, look_alike_text(), settings=NO_DATABASE), ""
    )
    assert missed == []


def test_key_lenses_keep_text_as_given() -> None:
    check_lens(key("name"), st.fixed_dictionaries({"name": st.text()}), st.text())
