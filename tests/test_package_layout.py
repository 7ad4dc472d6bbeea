"""The package reads like the table of contents, and its modules import each other without circles."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

HELPERS = Path(__file__).resolve().parent.parent / "helpers"


def module_name(path: Path) -> str:
    parts = path.relative_to(HELPERS.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def helpers_imports(path: Path, modules: set[str]) -> set[str]:
    """Every helpers module that ``path`` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("helpers"):
            for alias in node.names:  # "from helpers.addition import fixes" imports a module
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in modules else node.module)
    return found & modules


def import_graph() -> dict[str, set[str]]:
    files = [p for p in HELPERS.rglob("*.py") if "__pycache__" not in p.parts]
    modules = {module_name(p) for p in files}
    return {module_name(p): helpers_imports(p, modules) - {module_name(p)} for p in files}


def test_no_import_circles():
    graph = import_graph()
    # The two alias modules stand for the chapter 3 modules they re-register; skip them.
    state: dict[str, str] = {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                cycle = trail[trail.index(target) :] + [target] if target in trail else [module, target]
                pytest.fail("import circle: " + " -> ".join(cycle))
            if target not in state:
                visit(target, trail + [target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


def test_graph_sees_lazy_imports():
    """The circle check reads imports inside functions too (they close circles just the same)."""
    graph = import_graph()
    assert "helpers.addition.fixes" in graph["helpers.addition.inspection"]  # a lazy import there


@pytest.mark.parametrize(
    "name",
    [
        "helpers.addition",
        "helpers.string_addition.seq2seq",
        "helpers.string_addition.long_addition",
        "helpers.string_addition",
        "helpers.checks",
        "helpers.display",
        "helpers.data",
    ],
)
def test_entry_points_import(name):
    importlib.import_module(name)


def test_reader_entry_points_stay_where_they_were():
    from helpers import addition
    from helpers.string_addition import long_addition, seq2seq

    for function in ("make_pairs", "build_mlp", "train_grid", "evaluate", "train_best"):
        assert callable(getattr(addition, function))
    for function in ("train_adder", "add", "epochs_to", "make_questions"):
        assert callable(getattr(seq2seq, function))
    assert isinstance(seq2seq.ORIGINAL, dict)
    for function in ("build_model", "train", "add"):
        assert callable(getattr(long_addition, function))
    # The old sys.modules aliases are gone: one name per module.
    for alias in ("helpers.seq2seq", "helpers.long_addition"):
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module(alias)


def test_every_subpackage_is_documented_in_the_package_map():
    import helpers

    for package in sorted(p.parent.name for p in HELPERS.glob("*/__init__.py")):
        assert f"helpers.{package}" in helpers.__doc__, f"helpers/__init__.py does not describe helpers.{package}"
