"""Write a chapter notebook from a plain list of cells (used while authoring chapters).

Usage from an authoring script::

    from scripts.notebook_source import write_notebook, md, code
    write_notebook("notebooks/01_two_plus_two.ipynb", [md("# Title"), code("x = 1", tags=["parameters"])])

The notebook is written without outputs, with the kernelspec the book executes with.
"""

from __future__ import annotations

from pathlib import Path

import nbformat


def md(source: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(source.strip("\n"))


def code(source: str, tags: list[str] | None = None) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source.strip("\n"))
    if tags:
        cell.metadata["tags"] = tags
    return cell


def write_notebook(path: str | Path, cells: list[nbformat.NotebookNode]) -> None:
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index:02d}"
    tagged = sum("parameters" in cell.metadata.get("tags", []) for cell in notebook.cells)
    if tagged != 1:
        raise ValueError(f"a chapter needs exactly one cell tagged 'parameters', found {tagged}")
    nbformat.validate(notebook)
    nbformat.write(notebook, str(path))
