"""Every chapter as committed: the house conventions, checked once for all of them.

No outputs, one ``parameters`` cell holding every small parameter the tests inject, the
parameter check right after it, one H1 title, code that fits the page's code column, and no
glue role inside inline code (it would stay raw markup on the page).
"""

from __future__ import annotations

import nbformat
import pytest
from conftest import NOTEBOOKS, SMALL_PARAMETERS

CHAPTERS = sorted(path.name for path in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
#: notebooks/ruff.toml: what fits the code box of the built book (book/_static/twoplustwo.css).
CODE_COLUMNS = 80


@pytest.fixture(params=CHAPTERS)
def chapter(request):
    return request.param, nbformat.read(NOTEBOOKS / request.param, as_version=4)


def test_every_chapter_is_tested_with_small_parameters():
    assert sorted(SMALL_PARAMETERS) == CHAPTERS


def test_committed_without_outputs(chapter):
    _, notebook = chapter
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(not cell.get("outputs") and cell.get("execution_count") is None for cell in code)


def test_one_parameters_cell_then_its_check(chapter):
    name, notebook = chapter
    tagged = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1
    for parameter in SMALL_PARAMETERS[name]:
        assert f"{parameter} = " in tagged[0].source, f"{parameter} is not in the parameters cell"
    following = notebook.cells[notebook.cells.index(tagged[0]) + 1].source
    assert "check_parameters(" in following and "globals()" in following


def test_one_title_and_readable_code(chapter):
    _, notebook = chapter
    titles = [
        line
        for cell in notebook.cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("# ")
    ]
    assert len(titles) == 1
    code_lines = [line for cell in notebook.cells if cell.cell_type == "code" for line in cell.source.splitlines()]
    assert max(len(line) for line in code_lines) <= CODE_COLUMNS
    assert not any("`{glue" in cell.source for cell in notebook.cells if cell.cell_type == "markdown")
