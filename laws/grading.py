"""Grade a learner's answer by the laws: right, or the shrunk counterexample with a hint.

An exercise names the law checks its answer must pass, each as a tuple ``(check, *args)``:
the grader calls ``check(answer, *args, settings=...)`` for each, so any ``check_*`` function
of the ``laws`` package (or your own, with the same shape) grades answers::

    grade("1.1 a lens on Book.title", title, (check_lens, books, st.text()), hint="...")

The grader never raises: a :class:`Grade` says the answer is right, wrong (with the law, the
smallest failing input hypothesis found, both sides and a hint), not answered yet (the answer
is ``...`` or raises ``NotImplementedError``), or that it raised something else. Grading is
deterministic (``derandomize``), so one answer always gets the same grade, and it writes no
example database. Checks that drive async code run in a worker thread when an event loop is
already running, as in a notebook.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from hypothesis import HealthCheck, Phase, settings
from hypothesis.errors import HypothesisException

from dualtrack.display.html import escape, pre, table
from dualtrack.errors import LawViolation
from laws.core import with_defaults

Status = Literal["right", "wrong", "blank", "error"]

#: One law an answer must pass: a check function and the arguments after the answer.
Check = tuple[Callable[..., object], *tuple[Any, ...]]

#: How many examples each law tries when grading: enough to find the planted bugs of the
#: course, few enough that a notebook grades in a moment.
GRADING_EXAMPLES = 60

#: Settings every check runs under while grading. The explain phase is left out: it re-runs
#: a failing law many times to annotate which inputs matter, which made a wrong answer to a
#: store exercise take seconds to grade, for comments the counterexample does not need.
GRADING = settings(
    max_examples=GRADING_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink),
)

_SYMBOLS: dict[Status, str] = {"right": "✔", "wrong": "✘", "blank": "…", "error": "✘"}
_COLOURS: dict[Status, str] = {
    "right": "#238b45",
    "wrong": "#c51b8a",
    "blank": "#777777",
    "error": "#c51b8a",
}


@dataclass(frozen=True)
class Grade:
    """The outcome of grading one exercise; shown as a coloured panel in Jupyter.

    ``status`` is ``"right"``, ``"wrong"`` (a law failed: ``violation`` says how), ``"blank"``
    (no answer yet) or ``"error"`` (the answer raised something other than a law violation).
    """

    exercise: str
    status: Status
    summary: str
    laws: tuple[str, ...] = ()
    violation: LawViolation | None = None
    example: str = ""
    hint: str = ""

    @property
    def right(self) -> bool:
        """Whether every law held."""
        return self.status == "right"

    def __repr__(self) -> str:
        lines = [f"{_SYMBOLS[self.status]} {self.exercise}: {self.summary}"]
        if self.violation is not None:
            lines.append(str(self.violation))
        if self.example:
            lines.append(self.example)
        if self.hint:
            lines.append(f"hint: {self.hint}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        colour = _COLOURS[self.status]
        parts = [
            f'<div style="border-left:4px solid {colour};padding:4px 10px;margin:2px 0">',
            f'<div style="color:{colour};font-weight:bold">{_SYMBOLS[self.status]} '
            f"{escape(self.exercise)}: {escape(self.summary)}</div>",
        ]
        if self.violation is not None:
            parts.append(self.violation._repr_html_())
        if self.example:
            parts.append(
                "<details><summary>the failing example hypothesis found</summary>"
                f"{pre(self.example)}</details>"
            )
        if self.hint:
            parts.append(table([["hint", escape(self.hint)]], side_header=True))
        parts.append("</div>")
        return "".join(parts)

    def _repr_mimebundle_(
        self, include: object = None, exclude: object = None
    ) -> tuple[dict[str, str], dict[str, Any]]:
        """Text and HTML, with the status in the output's metadata (what tests read)."""
        data = {"text/plain": repr(self), "text/html": self._repr_html_()}
        return data, {"dualtrack": {"exercise": self.exercise, "status": self.status}}


def _name(check: Callable[..., object]) -> str:
    return getattr(check, "__name__", type(check).__name__)


def _hint_for(hint: str | Mapping[str, str], found: str) -> str:
    if isinstance(hint, str):
        return hint
    for fragment, text in hint.items():
        if fragment and fragment in found:
            return text
    return hint.get("", "")


def _failing_example(error: BaseException) -> str:
    notes = getattr(error, "__notes__", ())
    for note in notes:
        if isinstance(note, str) and note.startswith(("Failing test case", "Falsifying")):
            return note
    return ""


def _run(call: Callable[[], object]) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        call()
        return
    # Inside a running loop (a notebook cell): law checks open their own loop, so they run
    # on a worker thread while this one waits.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(call).result()


def _is_blank(answer: object) -> bool:
    return answer is Ellipsis


def _blank(exercise: str, laws: tuple[str, ...]) -> Grade:
    return Grade(
        exercise,
        "blank",
        "not answered yet: replace the ... (or the NotImplementedError) with your answer and "
        "run the cell again",
        laws,
    )


def grade(
    exercise: str,
    answer: object,
    *checks: Check,
    hint: str | Mapping[str, str] = "",
    settings: settings | None = None,
) -> Grade:
    """Run each law check on ``answer`` and say whether it is right; never raises.

    ``hint`` is shown with a failure: one text, or texts keyed by a fragment of the law's
    name (``{"PutGet": "...", "": "otherwise ..."}``).

    >>> from hypothesis import strategies as st
    >>> from dualtrack import key
    >>> from laws.optics import check_lens
    >>> dicts = st.fixed_dictionaries({"n": st.integers()})
    >>> grade("1.0 a lens on n", key("n"), (check_lens, dicts, st.integers()))
    ✔ 1.0 a lens on n: right: every law held (check_lens)
    >>> grade("1.0 a lens on n", ..., (check_lens, dicts, st.integers())).status
    'blank'
    """
    laws = tuple(_name(check) for check, *_ in checks)
    if _is_blank(answer):
        return _blank(exercise, laws)
    chosen = with_defaults(settings, GRADING)
    for check, *arguments in checks:
        try:
            _run(lambda: check(answer, *arguments, settings=chosen))  # noqa: B023
        except NotImplementedError:
            return _blank(exercise, laws)
        except LawViolation as violation:
            return Grade(
                exercise,
                "wrong",
                f"not yet: the law {violation.law!r} does not hold ({_name(check)})",
                laws,
                violation,
                _failing_example(violation),
                _hint_for(hint, violation.law),
            )
        except (Exception, HypothesisException) as error:
            found = f"{type(error).__name__}: {error}"
            where = traceback.extract_tb(error.__traceback__)[-1:]
            place = f" (line {where[0].lineno} of {where[0].name})" if where else ""
            return Grade(
                exercise,
                "error",
                f"your answer raised {found}{place} while {_name(check)} ran",
                laws,
                None,
                _failing_example(error),
                _hint_for(hint, found),
            )
    return Grade(exercise, "right", f"right: every law held ({', '.join(laws)})", laws)
