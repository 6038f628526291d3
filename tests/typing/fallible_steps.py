"""Fallible steps keep their error type: ``bind`` and ``safe`` in every checker,
``ResultFunctor.lift`` with ``error=`` in every checker, and from context under mypy.

Type-checked by mypy --strict and basedpyright (strict) in tests/product/test_typing_optics.py,
never run; the marks are explained in tests/product/typing_checkers.py.
"""

from typing import reveal_type

from returns.result import Result as R

from dualtrack import Agent, ResultFunctor, SafeFunctor, bind, safe


class Bad(Exception): ...


def fallible(
    parse: Agent[str, R[int, Bad]],
    check: Agent[int, R[int, Bad]],
    show: Agent[int, str],
    other: Agent[int, R[int, KeyError]],
    size: Agent[str, int],
) -> None:
    reveal_type(bind(check))  # R: Agent[Result[int, Bad], Result[int, Bad]]
    reveal_type(parse >> bind(check))  # R: Agent[str, Result[int, Bad]]
    reveal_type(safe(size))  # R: Agent[str, Result[int, Exception]]
    reveal_type(safe(size, catching=ValueError))  # R: Agent[str, Result[int, ValueError]]
    reveal_type(SafeFunctor.lift(show))  # R: Agent[Result[int, Exception], Result[str, Exception]]
    reveal_type(ResultFunctor.lift(show, error=Bad))  # R: Agent[Result[int, Bad], Result[str, Bad]]
    c = parse >> ResultFunctor.lift(show)
    reveal_type(c)  # R mypy: Agent[str, Result[str, Bad]]  # R pyright: Agent[str, Result[str, Any]]
    _e1: Agent[str, R[int, Bad]] = parse >> bind(other)  # E mypy: arg-type  # E pyright: reportOperatorIssue  # E pyright: reportUnknownVariableType
    _e2: Agent[str, R[int, Bad]] = parse >> bind(show)  # E mypy: arg-type  # E pyright: reportArgumentType  # E pyright: reportUnknownVariableType
    _e3: Agent[str, R[int, KeyboardInterrupt]] = safe(size, catching=KeyboardInterrupt)  # E mypy: type-var  # E pyright: reportArgumentType  # E pyright: reportUnknownVariableType
