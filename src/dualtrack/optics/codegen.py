"""Compile a chain of structural steps into one function, ``s.a[k1][k2]``, built as a syntax
tree (never from text), so a prebuilt path reads as fast as the expression written by hand.

Keys are bound as globals of the generated function, attribute names are checked identifiers,
and the only source text parsed is the fixed template below: nothing a user passes is parsed.
"""

from __future__ import annotations

import ast
import keyword
from collections.abc import Callable, Sequence
from typing import Any

_TEMPLATE = """
def read(source):
    try:
        return PATH
    except (LookupError, TypeError, AttributeError) as error:
        raise explain(source, error) from None
"""

#: One step of a path: ``("attr", name)``, ``("key", key)``, or ``("call", function)``.
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
    namespace: dict[str, Any] = {
        "explain": explain,
        "__builtins__": {
            "LookupError": LookupError,
            "TypeError": TypeError,
            "AttributeError": AttributeError,
        },
    }
    expression: ast.expr = ast.Name("source", ast.Load())
    for position, (how, what) in enumerate(accesses):
        if how == "attr":
            if not is_field_name(what):
                raise ValueError(f"not a field name: {what!r}")
            expression = ast.Attribute(expression, what, ast.Load())
        elif how == "key":
            name = f"key_{position}"
            namespace[name] = what
            expression = ast.Subscript(expression, ast.Name(name, ast.Load()), ast.Load())
        else:
            name = f"read_{position}"
            namespace[name] = what
            expression = ast.Call(ast.Name(name, ast.Load()), [expression], [])
    tree = _Substitute(expression).visit(ast.parse(_TEMPLATE))
    ast.fix_missing_locations(tree)
    exec(compile(tree, "<dualtrack path>", "exec"), namespace)
    reader: Callable[[Any], Any] = namespace["read"]
    return reader
