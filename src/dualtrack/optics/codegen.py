"""Compile a chain of structural steps into one function, ``s.a[k1][k2]``, built as a syntax
tree (never from text), so a prebuilt path reads as fast as the expression written by hand.

Keys are bound as globals of the generated function, attribute names are checked identifiers,
and the only source text parsed is the fixed template below: nothing a user passes is parsed or
evaluated. Code is cached per shape of path, so building another path of a known shape is cheap.
"""

from __future__ import annotations

import ast
import keyword
from collections.abc import Callable, Sequence
from functools import lru_cache
from types import CodeType, FunctionType
from typing import Any

_TEMPLATE = """
def read(source):
    try:
        return PATH
    except (LookupError, TypeError, AttributeError) as error:
        raise explain(source, error) from None
"""

#: One step of a path: ``("attr", name)``, ``("key", key)``, or ``("call", function)``.
#: Attribute names must be identifiers: keys and functions may be anything.
Access = tuple[str, Any]


def is_field_name(name: str) -> bool:
    """Whether ``name`` can be read as ``obj.name``: an identifier that is not a keyword."""
    return name.isidentifier() and not keyword.iskeyword(name)


class _Substitute(ast.NodeTransformer):
    def __init__(self, path: ast.expr) -> None:
        self.path = path

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return self.path if node.id == "PATH" else node


def compile_reader(
    accesses: Sequence[Access], explain: Callable[[Any, Exception], Exception]
) -> Callable[[Any], Any]:
    """A function reading ``accesses`` from its argument in one expression; on a lookup failure
    it raises what ``explain(source, error)`` returns."""
    namespace: dict[str, Any] = {"explain": explain, "__builtins__": _BUILTINS}
    shape: list[str] = []
    for position, (how, what) in enumerate(accesses):
        if how == "attr":
            shape.append(what)
        else:
            shape.append(f"{how}_{position}")
            namespace[f"{how}_{position}"] = what
    reader: Callable[[Any], Any] = FunctionType(_reader_code(tuple(shape)), namespace)
    return reader


_BUILTINS = {"LookupError": LookupError, "TypeError": TypeError, "AttributeError": AttributeError}


@lru_cache(maxsize=1024)
def _reader_code(shape: tuple[str, ...]) -> CodeType:
    """The code of a reader for one shape of path; keys and functions are globals, so every
    path of the same shape shares it and building another costs a function object."""
    expression: ast.expr = ast.Name("source", ast.Load())
    for part in shape:
        if part.startswith("key_"):
            expression = ast.Subscript(expression, ast.Name(part, ast.Load()), ast.Load())
        elif part.startswith("call_"):
            expression = ast.Call(ast.Name(part, ast.Load()), [expression], [])
        elif is_field_name(part):
            expression = ast.Attribute(expression, part, ast.Load())
        else:
            raise ValueError(f"not a field name: {part!r}")
    tree = _Substitute(expression).visit(ast.parse(_TEMPLATE))
    ast.fix_missing_locations(tree)
    module = compile(tree, "<dualtrack path>", "exec")
    return next(c for c in module.co_consts if isinstance(c, CodeType))
