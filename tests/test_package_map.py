"""The package map stays true: the README and every package's docstring name each module, and no missing one.

* README.md's "Package map" table (in its Layout section) has one row per package of
  ``helpers`` (``helpers`` itself, each chapter's subpackage, any package inside one) listing
  exactly its modules and subpackages, in backticks.
* Each package's docstring names each of its modules and subpackages in double backticks
  (``name`` or ``helpers.package.name``), and each bullet that starts with a name
  (``- ``name``: ...``) names one that exists.

When a module is added, split or removed, the failure says what to add or remove, and where.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from conftest import ROOT

HELPERS = ROOT / "helpers"


def packages() -> dict[str, Path]:
    """Every package of helpers by dotted name (``helpers``, ``helpers.gan``, ...)."""
    found = {}
    for init in sorted(HELPERS.rglob("__init__.py")):
        if "__pycache__" not in init.parts:
            found[".".join(init.parent.relative_to(ROOT).parts)] = init.parent
    return found


def children(folder: Path) -> set[str]:
    """A package's modules (``*.py`` but ``__init__``) and subpackages (folders with ``__init__.py``)."""
    modules = {path.stem for path in folder.glob("*.py") if path.stem != "__init__"}
    return modules | {path.parent.name for path in folder.glob("*/__init__.py")}


def readme_map() -> dict[str, set[str]]:
    """The README's package map: package -> the names in its row's second column."""
    text = (ROOT / "README.md").read_text()
    section = text.split("### Package map", 1)
    assert len(section) == 2, "README.md has no '### Package map' table in its Layout section"
    rows = {}
    for line in section[1].split("\n#", 1)[0].splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].startswith("`helpers"):
            rows[cells[0].strip("`")] = set(re.findall(r"`([A-Za-z_][\w]*)`", cells[1]))
    return rows


def docstring(folder: Path) -> str:
    return ast.get_docstring(ast.parse((folder / "__init__.py").read_text())) or ""


def test_the_readme_package_map_names_every_module_and_no_missing_one():
    actual = {name: children(folder) for name, folder in packages().items()}
    listed = readme_map()
    problems = []
    for package in sorted(set(actual) - set(listed)):
        problems.append(f"add a row | `{package}` | {', '.join(f'`{m}`' for m in sorted(actual[package]))} |")
    for package in sorted(set(listed) - set(actual)):
        problems.append(f"remove the row for `{package}` (no such package)")
    for package in sorted(set(actual) & set(listed)):
        if missing := sorted(actual[package] - listed[package]):
            problems.append(f"in the row for `{package}`, add {', '.join(f'`{m}`' for m in missing)}")
        if extra := sorted(listed[package] - actual[package]):
            problems.append(f"in the row for `{package}`, remove {', '.join(f'`{m}`' for m in extra)} (no such module)")
    assert not problems, "README.md's package map (### Package map) is out of date:\n" + "\n".join(problems)


@pytest.mark.parametrize("package", sorted(packages()))
def test_each_package_docstring_names_every_module_and_no_missing_one(package):
    folder, text = packages()[package], docstring(packages()[package])
    named = set(re.findall(r"``([\w.]+)``", text))
    modules = children(folder)
    missing = sorted(m for m in modules if m not in named and f"{package}.{m}" not in named)
    bullets = re.findall(r"(?m)^\s*- ``([\w.]+)``", text)
    unknown = sorted(
        name for name in bullets if name.removeprefix(f"{package}.") not in modules and name not in packages()
    )
    problems = []
    if missing:
        problems.append(f"describe {', '.join(f'``{m}``' for m in missing)} (one '- ``name``: what it does' line each)")
    if unknown:
        problems.append(f"remove or rename the lines for {', '.join(f'``{m}``' for m in unknown)} (no such module)")
    assert not problems, f"{folder.relative_to(ROOT)}/__init__.py's docstring: " + "; ".join(problems)
