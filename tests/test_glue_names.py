"""Every value a chapter glues is read: no result is computed, stored and then never used.

A page reads a glued value with ``{glue}`name```, ``{glue:text}`name:format``` or
``{glue:md}`name``` (in any chapter's markdown, or in ``book/**/*.md``), or with a
``{glue:figure}``-style directive. A test reads one by naming it (``values["results"]``,
``values[f"agreement_{name}"]``: the string constants and f-strings of ``tests/*.py``; glued
values are how the tests check what a chapter computed). ``claims`` (the claims record, read
through ``tests/conftest.py: claims``) is exempt by name; each ``claim_<id>`` sentence must be
on a page like any other value. A name that neither a page nor a test reads fails.

Two checks:

* fast, from the source: every name glued with a literal string (``glue("name", ...)``) and
  every family glued with an f-string (``glue(f"agreement_{name}", ...)``, at least one
  member) is read somewhere;
* exact, from the executed chapters (small parameters, the session's runs shared with the
  chapter tests): every name a run glued, including those built from f-strings and inside
  ``helpers.claims``, is read somewhere.
"""

from __future__ import annotations

import ast
import re

import nbformat
import pytest
from conftest import NOTEBOOKS, ROOT, SMALL_PARAMETERS, glued

EXEMPT = {"claims"}
_ROLE = re.compile(r"\{glue(?::[a-z]+)?\}`([^`]+)`")
_DIRECTIVE = re.compile(r"^[`:]{3,}\{glue(?::[a-z]+)?\}[ \t]+(\S+)", re.MULTILINE)


def chapters() -> list[str]:
    return sorted(path.name for path in NOTEBOOKS.glob("*.ipynb"))


def page_texts() -> dict[str, str]:
    """Every page's markdown: the chapters' markdown cells and the book's .md pages."""
    texts = {}
    for name in chapters():
        notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
        texts[name] = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    for page in sorted((ROOT / "book").rglob("*.md")):
        texts[page.relative_to(ROOT).as_posix()] = page.read_text()
    return texts


def used_names() -> set[str]:
    """Every glued name some page reads (``notebook.ipynb::name`` and ``name:format`` reduced to ``name``)."""
    names = set()
    for text in page_texts().values():
        for reference in [*_ROLE.findall(text), *_DIRECTIVE.findall(text)]:
            names.add(reference.split("::")[-1].split(":")[0].strip())
    return names


def names_in_tests() -> tuple[set[str], list[str]]:
    """The string constants of tests/*.py, and their f-strings as regular expressions."""
    constants, patterns = set(), []
    for path in sorted((ROOT / "tests").glob("*.py")):
        if path.name == "test_glue_names.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                constants.add(node.value)
            elif isinstance(node, ast.JoinedStr):
                literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
                if re.search(r"[A-Za-z]{3}", literal):  # f"{x}" or f"{a}_{b}" would stand for any name
                    patterns.append(_pattern(node))
    return constants, patterns


def _pattern(node: ast.JoinedStr) -> str:
    return "".join(re.escape(v.value) if isinstance(v, ast.Constant) else ".+" for v in node.values)


def is_read(name_or_pattern: str, pages: set[str], tests: tuple[set[str], list[str]]) -> bool:
    """Whether some page or test reads the glued name (or, for a pattern, one name it stands for)."""
    constants, patterns = tests
    if any(re.fullmatch(name_or_pattern, name) for name in pages | constants | EXEMPT):
        return True
    literal = name_or_pattern.replace("\\", "")
    return any(re.fullmatch(pattern, literal) for pattern in patterns)


def glue_calls(name: str) -> list[tuple[str, int]]:
    """``(name or pattern, line)`` for each ``glue(...)`` call in a chapter's code: literal names as
    they are, f-strings as a regular expression with ``.+`` for each replacement field."""
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    calls = []
    for number, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:  # IPython magics: not Python, no glue calls either
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "glue":
                if not node.args:
                    continue
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    calls.append((re.escape(first.value), number))
                elif isinstance(first, ast.JoinedStr):
                    calls.append((_pattern(first), number))
    return calls


def unused_report(chapter: str, unused: list[str]) -> str:
    return (
        f"{chapter} glues {', '.join(unused)}, which no page and no test reads: remove the glue call "
        f"(and the computation only it needs), or show the value on a page with {{glue:text}}`name`"
    )


@pytest.mark.parametrize("chapter", chapters())
def test_every_glue_call_in_the_source_is_read(chapter):
    pages, tests = used_names(), names_in_tests()
    unused = sorted(
        {pattern.replace("\\", "") for pattern, _ in glue_calls(chapter) if not is_read(pattern, pages, tests)}
    )
    assert not unused, unused_report(chapter, unused)


@pytest.mark.notebook
@pytest.mark.parametrize("chapter", sorted(SMALL_PARAMETERS))
def test_every_value_a_run_glues_is_read(chapter, executed):
    pages, tests = used_names(), names_in_tests()
    unused = sorted(name for name in glued(executed(chapter)) if not is_read(re.escape(name), pages, tests))
    assert not unused, unused_report(chapter, unused)


def test_the_scanner_sees_roles_directives_formats_and_other_notebooks():
    text = "A {glue:text}`acc:.2%` b {glue}`plain` c {glue:md}`other.ipynb::verdict`\n```{glue:figure} fig\n```\n"
    names = {ref.split("::")[-1].split(":")[0] for ref in [*_ROLE.findall(text), *_DIRECTIVE.findall(text)]}
    assert names == {"acc", "plain", "verdict", "fig"}
