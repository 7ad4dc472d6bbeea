"""The README's papermill commands, run exactly as written, so the README cannot drift.

Each ``.venv/bin/papermill ...`` line of a code block in README.md is run by the shell from
a scratch folder that looks like the repository root (``notebooks/`` and ``.venv/`` linked
in), so its output notebook lands there and not in the working tree. The test then checks
that the parameters arrived with the types the chapter expects (papermill's ``-p`` passes
``"[0, 1]"`` as text; ``-y`` parses YAML) and that the chapter used them.

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


def command_parameters(command: str) -> tuple[str, str, dict[str, object]]:
    """``(input notebook, output notebook, parameters)`` as papermill's CLI reads them."""
    from papermill.cli import _resolve_type

    words = shlex.split(command)[1:]
    positional, parameters = [], {}
    while words:
        word = words.pop(0)
        if word in ("-p", "--parameters"):
            name, value = words.pop(0), words.pop(0)
            parameters[name] = _resolve_type(value)
        elif word in ("-y", "--parameters_yaml"):
            parameters.update(yaml.safe_load(words.pop(0)))
        elif word.startswith("-"):
            raise AssertionError(f"the test does not know papermill option {word}: teach it")
        else:
            positional.append(word)
    return positional[0], positional[1], parameters


def test_the_readme_shows_a_papermill_command():
    assert readme_papermill_commands()


@pytest.mark.parametrize("command", readme_papermill_commands())
def test_readme_papermill_command_runs_as_written(command, tmp_path):
    source, output, parameters = command_parameters(command)
    # A scratch copy of the repository root: the command's relative paths resolve, its output stays here.
    (tmp_path / "notebooks").symlink_to(NOTEBOOKS)
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run(command, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]

    notebook = nbformat.read(tmp_path / output, as_version=4)
    injected = next(cell for cell in notebook.cells if "injected-parameters" in cell.metadata.get("tags", []))
    arrived = {}
    exec(injected.source, {}, arrived)  # the assignments papermill wrote into the chapter
    assert arrived == parameters  # same values, same types: a list arrives as a list

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
