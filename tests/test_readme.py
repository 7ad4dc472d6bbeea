"""The README's papermill commands, run exactly as written, so the README cannot drift.

Each ``.venv/bin/papermill ...`` line of a code block in README.md is run by the shell from
a scratch folder that looks like the repository root (``notebooks/`` and ``.venv/`` linked
in), so its output notebook lands there and not in the working tree. The test then checks
that the parameters arrived with the types of the chapter's defaults (papermill's ``-p`` passes
``"[0, 1]"`` as text; ``-y`` parses YAML) and that the chapter used them. What arrived is read
from the cell papermill injects (``--prepare-only`` writes it without executing, for the fast
check), not from papermill's private parsing functions.

And the mistake the README once showed: a list given with ``-p`` stops the chapter in its
parameter check, with an error that names the parameter and says how to pass it.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml
from conftest import NOTEBOOKS, ROOT, claims, execute_notebook, glued

pytestmark = pytest.mark.notebook


def readme_papermill_commands() -> list[str]:
    """Every papermill command in the README's fenced code blocks, as written."""
    blocks = re.findall(
        r"^\s*```(?:bash|sh|console)?\n(.*?)^\s*```", (ROOT / "README.md").read_text(), flags=re.MULTILINE | re.DOTALL
    )
    return [
        line.strip()
        for block in blocks
        for line in block.splitlines()
        if line.strip().startswith(".venv/bin/papermill ")
    ]


def command_notebooks(command: str) -> tuple[str, str, dict[str, object]]:
    """``(input notebook, output notebook, what the command's -p and -y say)``.

    ``-p`` values are kept as the words written (papermill decides their type); ``-y`` values
    are YAML, read with PyYAML as papermill does.
    """
    words = shlex.split(command)[1:]
    positional, written = [], {}
    while words:
        word = words.pop(0)
        if word in ("-p", "--parameters"):
            name, value = words.pop(0), words.pop(0)
            written[name] = value
        elif word in ("-y", "--parameters_yaml"):
            written.update(yaml.safe_load(words.pop(0)))
        elif word.startswith("-"):
            raise AssertionError(f"the test does not know papermill option {word}: teach it")
        else:
            positional.append(word)
    return positional[0], positional[1], written


def cell_values(notebook: nbformat.NotebookNode, tag: str) -> dict[str, object]:
    """The names the cell tagged ``tag`` assigns (the parameters cell, papermill's injected one)."""
    cell = next(cell for cell in notebook.cells if tag in cell.metadata.get("tags", []))
    values: dict[str, object] = {}
    exec(cell.source, {}, values)
    return values


def check_arrived(source: str, arrived: dict[str, object], written: dict[str, object]) -> None:
    """What papermill injected is what the command says, with the types of the chapter's defaults."""
    assert set(arrived) == set(written)
    defaults = cell_values(nbformat.read(NOTEBOOKS / Path(source).name, as_version=4), "parameters")
    for name, value in arrived.items():
        written_value = written[name]
        assert value == written_value or str(value) == written_value, (name, value, written_value)
        got, expected = kind(value), kind(defaults[name])
        assert got == expected or (got, expected) == ("integer", "number"), (
            f"{name} arrives as {got} ({value!r}); the chapter's default is {expected} ({defaults[name]!r})"
        )


def kind(value: object) -> str:
    """A parameter's kind as the chapters check it (a list or a tuple is a sequence, an int a number too)."""
    if isinstance(value, bool) or value is None:
        return repr(value) if value is None else "boolean"
    kinds = ((int, "integer"), (float, "number"), (str, "text"), ((list, tuple), "sequence"), (dict, "dict"))
    for types, name in kinds:
        if isinstance(value, types):
            return name
    return type(value).__name__


def scratch_root(tmp_path: Path) -> Path:
    """A scratch copy of the repository root: the command's relative paths resolve, its output stays here."""
    (tmp_path / "notebooks").symlink_to(NOTEBOOKS)
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    return tmp_path


def test_the_readme_shows_a_papermill_command():
    assert readme_papermill_commands()


def test_a_list_passed_as_text_is_caught_by_the_type_check():
    """What ``-p SEEDS "[0, 1]"`` injects (the text) fails the check the README's commands pass."""
    with pytest.raises(AssertionError, match="SEEDS arrives as text"):
        check_arrived("notebooks/01_two_plus_two.ipynb", {"SEEDS": "[0, 1]"}, {"SEEDS": "[0, 1]"})


@pytest.mark.parametrize("command", readme_papermill_commands())
def test_readme_parameters_arrive_with_the_chapters_types(command, tmp_path):
    """Fast: papermill's own --prepare-only writes the notebook with the parameters injected, unexecuted."""
    source, output, written = command_notebooks(command)
    result = subprocess.run(
        f"{command} --prepare-only", shell=True, cwd=scratch_root(tmp_path), capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    check_arrived(source, cell_values(nbformat.read(tmp_path / output, as_version=4), "injected-parameters"), written)


@pytest.mark.parametrize("command", readme_papermill_commands())
def test_readme_papermill_command_runs_as_written(command, tmp_path):
    source, output, written = command_notebooks(command)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run(
        command, shell=True, cwd=scratch_root(tmp_path), env=env, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stderr[-3000:]

    notebook = nbformat.read(tmp_path / output, as_version=4)
    parameters = cell_values(notebook, "injected-parameters")  # the assignments papermill wrote into the chapter
    check_arrived(source, parameters, written)  # same values, the chapter's types: a list arrives as a list

    if Path(source).name == "01_two_plus_two.ipynb":
        values = glued(notebook)
        # Chapter 1 keeps its results table in its claims record (no page shows it whole).
        results = pd.DataFrame(claims(notebook)["small_adds"]["values"]["results"])
        if "SEEDS" in parameters:
            assert values["n_seeds"] == len(parameters["SEEDS"])
            assert set(results.seed) == set(parameters["SEEDS"])
        if "EPOCHS" in parameters:
            assert results.epochs.max() <= parameters["EPOCHS"]


@pytest.mark.parametrize("name", ["01_two_plus_two.ipynb", "02_inside_the_hidden_layer.ipynb"])
def test_a_list_passed_as_text_stops_at_the_parameter_check(name, tmp_path):
    """What ``-p SEEDS "[0, 1]"`` does: the chapter stops before any training, naming SEEDS."""
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as error:
        execute_notebook(name, tmp_path, timeout=120, SEEDS="[0, 1]")
    message = str(error.value)
    assert "ValueError" in message and "parameter SEEDS must be a list of integers" in message
    assert '-y "SEEDS: [0, 1]"' in message
    notebook = nbformat.read(tmp_path / name, as_version=4)
    failed = [
        cell
        for cell in notebook.cells
        if any(output.get("output_type") == "error" for output in cell.get("outputs", []))
    ]
    assert len(failed) == 1 and "check_parameters" in failed[0].source
