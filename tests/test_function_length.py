"""No function in helpers/ is longer than a screen (issue 17: at most 80 lines, decorators and docstring included).

A long function is split into named steps; a class is not counted as a whole, its methods are.
"""

from __future__ import annotations

import ast

from conftest import ROOT

LIMIT = 80


def long_functions() -> list[str]:
    found = []
    for path in sorted((ROOT / "helpers").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                start = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
                lines = node.end_lineno - start + 1
                if lines > LIMIT:
                    found.append(f"{path.relative_to(ROOT)}:{start} {node.name} ({lines} lines)")
    return found


def test_no_function_in_helpers_is_over_80_lines():
    found = long_functions()
    assert not found, f"split these into functions of at most {LIMIT} lines:\n" + "\n".join(found)
