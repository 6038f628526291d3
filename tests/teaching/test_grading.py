"""The grader: right, wrong with the shrunk counterexample and a hint, not answered, or an
error in the answer; it never raises, grades the same answer the same way every time, and runs
law checks that need their own event loop from inside a running one (a notebook cell)."""

from __future__ import annotations

from hypothesis import assume
from hypothesis import strategies as st

from dualtrack import MemoryStateBackend, key, lens
from laws.grading import Grade, grade
from laws.optics import check_lens
from laws.state import check_state_backend

records = st.fixed_dictionaries({"n": st.integers()})
absolute = lens(lambda s: s["n"], lambda s, a: {**s, "n": abs(a)}, name="absolute")


def test_a_lawful_answer_is_right() -> None:
    result = grade("n", key("n"), (check_lens, records, st.integers()))
    assert result.status == "right"
    assert result.right
    assert result.laws == ("check_lens",)


def test_a_broken_answer_gets_the_shrunk_counterexample_and_the_matching_hint() -> None:
    result = grade(
        "absolute",
        absolute,
        (check_lens, records, st.integers()),
        hint={"PutGet": "store the value as given", "": "otherwise"},
    )
    assert result.status == "wrong"
    assert result.violation is not None
    assert result.violation.law == "PutGet: get(set(s, a)) == a"
    assert result.violation.given["a"] == -1
    assert result.hint == "store the value as given"
    assert "Failing test case" in result.example
    assert "PutGet" in repr(result)
    assert "<mark" in result._repr_html_()


def test_grading_is_deterministic() -> None:
    first = grade("absolute", absolute, (check_lens, records, st.integers()))
    second = grade("absolute", absolute, (check_lens, records, st.integers()))
    assert first.violation is not None
    assert second.violation is not None
    assert first.violation.given == second.violation.given


def test_a_blank_answer_is_reported_not_run() -> None:
    def get_n(s: dict[str, int]) -> int:
        raise NotImplementedError("your code here")

    assert grade("blank", ..., (check_lens, records, st.integers())).status == "blank"
    unwritten = lens(get_n, lambda s, a: s)
    assert grade("unwritten", unwritten, (check_lens, records, st.integers())).status == "blank"


def test_an_answer_that_raises_is_reported_without_raising() -> None:
    crashing = lens(lambda s: s["missing"], lambda s, a: s, name="crashing")
    result = grade("crash", crashing, (check_lens, records, st.integers()), hint="KeyError help")
    assert result.status == "error"
    assert "KeyError" in result.summary
    assert result.hint == "KeyError help"

    def never_satisfied(answer: object, settings: object = None) -> None:
        from hypothesis import given

        @given(st.integers())
        def impossible(n: int) -> None:
            assume(False)

        impossible()

    assert grade("unsatisfiable", 1, (never_satisfied,)).status == "error"


def test_the_first_failing_check_decides() -> None:
    calls: list[str] = []

    def passes(answer: object, settings: object = None) -> None:
        calls.append("passes")

    result = grade("order", absolute, (passes,), (check_lens, records, st.integers()), (passes,))
    assert result.status == "wrong"
    assert calls == ["passes"]


def test_the_status_travels_in_the_display_metadata() -> None:
    result = grade("n", key("n"), (check_lens, records, st.integers()))
    data, metadata = result._repr_mimebundle_()
    assert set(data) == {"text/plain", "text/html"}
    assert metadata == {"dualtrack": {"exercise": "n", "status": "right"}}


async def test_checks_with_their_own_loop_run_from_inside_a_running_loop() -> None:
    class Unversioned:
        def __init__(self) -> None:
            self.state: list[int] = []

        async def load(self) -> tuple[list[int], int]:
            return list(self.state), 0

        async def save(self, state: list[int], expected_version: object) -> int:
            self.state = list(state)
            return 0

    async def fresh_memory() -> MemoryStateBackend[list[int]]:
        return MemoryStateBackend(initial=[])

    async def fresh_unversioned() -> Unversioned:
        return Unversioned()

    states = st.lists(st.integers(), max_size=2)
    right = grade("memory", fresh_memory, (check_state_backend, states))
    wrong = grade("unversioned", fresh_unversioned, (check_state_backend, states))
    assert right.status == "right", right
    assert wrong.status == "wrong"
    assert isinstance(wrong, Grade)
