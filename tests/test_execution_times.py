"""``scripts/execution_times.py``: chapter run times read back from a real jupyter-cache."""

from __future__ import annotations

import sys

import nbformat
from conftest import ROOT

sys.path.insert(0, str(ROOT))
from scripts.execution_times import execution_times, main, report  # noqa: E402


def _notebook(path, source: str) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source)]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)


def test_reads_the_time_the_cache_recorded(tmp_path, capsys):
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    slow, changed = tmp_path / "01_slow.ipynb", tmp_path / "02_changed.ipynb"
    _notebook(slow, "import time\ntime.sleep(1.5)")
    _notebook(changed, "x = 1")
    cache = get_cache(str(tmp_path / "cache"))
    for path in (slow, changed):
        cache.add_nb_to_project(str(path))
    # The executor jupyter-book's cache mode uses, with a real kernel.
    load_executor("local-serial", cache).run_and_cache(timeout=120)
    _notebook(changed, "x = 2")  # edited after its run: the cached outputs no longer match

    rows = execution_times(tmp_path / "cache", [slow, changed])
    (name, seconds, created), (other, missing, _) = rows
    assert name == "01_slow.ipynb" and 1.5 <= seconds < 60 and created is not None
    assert other == "02_changed.ipynb" and missing is None
    text = report(rows)
    assert f"{seconds:7.1f} s" in text and "not in the cache" in text

    assert main([str(tmp_path / "cache"), str(slow)]) == 0
    assert "01_slow.ipynb" in capsys.readouterr().out
    assert main([str(tmp_path / "nothing here")]) == 1


def test_the_default_chapters_are_the_table_of_contents_in_order():
    from scripts.execution_times import book_chapters

    chapters = [path.name for path in book_chapters()]
    assert chapters[:2] == ["01_two_plus_two.ipynb", "02_inside_the_hidden_layer.ipynb"]
    assert chapters == sorted(chapters)
