"""The Colab path, done the way Colab does it: the wheel alone, in a fresh environment, outside the checkout.

A chapter opened in Colab installs ``twoplustwo-helpers`` from the repository (its first
cell) and has nothing else of the checkout. This test does the same here:

1. builds the wheel from a clean copy of the committed tree (``git archive HEAD``: what a
   ``pip install git+<repository>`` would build; uncommitted changes are not in it);
2. creates a fresh virtual environment outside the repository (no system site packages) and
   installs only what Colab ships that the chapters use (TensorFlow, numpy, pandas,
   matplotlib, plotly, ipywidgets, IPython and its kernel, at the versions requirements.txt
   pins), then the wheel with the dependencies it declares: no requirements.txt, no
   editable install;
3. imports every ``helpers`` module in that environment, from a folder that is not the
   repository, with ``PYTHONPATH`` unset (so a module whose import the package does not
   declare fails here, and its name is in the message);
4. copies the chapters to a temporary folder and runs chapter 5 with its small parameters
   (``tests/conftest.py``), from there, in a kernel of that environment, with a fresh
   ``$TWOPLUSTWO_CACHE``. Chapter 5 is the one whose files differ: its avatar renderer is a
   Node project carried as package data (``helpers/gan/avatars/``) and installed with npm
   into the cache on first use, and it exports ONNX models for the browser (tf2onnx, onnx,
   ONNX Runtime). Chapter 4 adds only a data set read through pooch (``$TWOPLUSTWO_DATA``)
   and the same export; chapters 1-3 import only modules step 3 imports and read no file of
   the package. ``TWOPLUSTWO_COLAB_CHAPTERS=all`` (or ``=04,05``) runs those too.

Measured on 4 December 2026, 2 cores shared with seven other agents (load 12-21, so several
times a quiet machine's figures): building the wheel 16-45 s, the fresh venv 16-61 s; what Colab
ships 294-400 s, the wheel's own dependencies 83-129 s and importing every module 38-58 s
before ``--no-compile``, 178 s, 67 s and 99 s with it (the first imports compile instead);
chapter 5 small 600 s (20 min 38 s in all, chapter 5's avatar move merged in a scratch clone),
chapter 4 small 377 s.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SMALL_PARAMETERS, glued

pytestmark = pytest.mark.colab

#: What Colab ships that the chapters (or the kernel that runs them) use.
COLAB_SHIPS = ["tensorflow-cpu", "numpy", "pandas", "matplotlib", "plotly", "ipywidgets", "ipython", "ipykernel"]
CHAPTERS = ["05_cartoon_avatars.ipynb"]
KERNEL = "twoplustwo-colab"
#: Seconds each step took, printed at the end of the session (pytest -s shows them).
TIMINGS: dict[str, float] = {}


def pinned(names: list[str]) -> list[str]:
    """``name==version`` for each name that requirements.txt pins for this platform, else the bare name."""
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==([^;\s]+)\s*(?:;\s*(.*))?$", line.strip())
        if match and (match.group(3) is None or 'sys_platform == "linux"' in match.group(3)):
            pins[match.group(1).lower()] = match.group(2)
    return [f"{name}=={pins[name]}" if name in pins else name for name in names]


def run(command: list[str], step: str, **kwargs) -> subprocess.CompletedProcess:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    TIMINGS[step] = TIMINGS.get(step, 0.0) + time.perf_counter() - started
    output = f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert result.returncode == 0, f"{step} failed: {' '.join(command)}\n{output}"
    return result


def outside_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a Colab kernel would have: no PYTHONPATH, no virtualenv of ours."""
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return {**env, **(extra or {})}


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """A fresh environment with the wheel installed.

    ``(its python, the chapters' folder, a fresh $TWOPLUSTWO_CACHE, the kernel's JUPYTER_PATH, the wheel)``.
    """
    base = tmp_path_factory.mktemp("colab")
    source, dist, venv, chapters = base / "source", base / "dist", base / "venv", base / "chapters"
    source.mkdir()
    run(["git", "-C", str(ROOT), "archive", "--format=tar", "-o", str(base / "head.tar"), "HEAD"], "clean copy")
    run(["tar", "-x", "-f", str(base / "head.tar"), "-C", str(source)], "clean copy")
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(source)], "build the wheel")
    (wheel,) = dist.glob("twoplustwo_helpers-*.whl")

    run([sys.executable, "-m", "venv", str(venv)], "fresh venv")
    python = venv / "bin" / "python"
    # --no-compile: no .pyc for TensorFlow's thousands of files (Colab's are there already).
    pip = [str(python), "-m", "pip", "install", "--quiet", "--no-compile"]
    run([*pip, *pinned(COLAB_SHIPS)], "install what Colab ships", env=outside_env())
    run([*pip, str(wheel)], "install the wheel and its declared dependencies", env=outside_env())
    run([str(python), "-m", "ipykernel", "install", "--prefix", str(base / "jupyter"), "--name", KERNEL], "kernel")

    chapters.mkdir()
    for notebook in (source / "notebooks").glob("*.ipynb"):
        shutil.copy(notebook, chapters)
    yield python, chapters, base / "cache", base / "jupyter" / "share" / "jupyter", wheel
    print("\nColab path, seconds per step: " + ", ".join(f"{step} {seconds:.0f}" for step, seconds in TIMINGS.items()))


def test_the_wheel_carries_the_avatar_renderer(colab):
    import zipfile

    *_, wheel = colab
    names = zipfile.ZipFile(wheel).namelist()
    renderer = [name for name in names if name.startswith("helpers/gan/avatars/")]
    assert "helpers/gan/avatars/package.json" in renderer and "helpers/gan/avatars/package-lock.json" in renderer, (
        "the wheel lacks chapter 5's avatar renderer (helpers/gan/avatars/: its script, package.json and "
        f"package-lock.json); it holds {renderer or 'none of it'}"
    )
    assert any(name.endswith((".mjs", ".js", ".cjs")) for name in renderer), renderer


def test_every_helpers_module_imports_outside_the_checkout(colab):
    python, chapters, *_ = colab
    script = (
        "import importlib, pkgutil, helpers\n"
        "print(helpers.__file__)\n"
        "for module in pkgutil.walk_packages(helpers.__path__, 'helpers.'):\n"
        "    if module.name != 'helpers.lyrics.__main__':\n"
        "        importlib.import_module(module.name)\n"
    )
    result = run([str(python), "-c", script], "import every helpers module", cwd=chapters, env=outside_env())
    location = Path(result.stdout.splitlines()[0])
    assert ROOT not in location.parents and python.parent.parent in location.parents, location


def chapters_to_run() -> list[str]:
    """Chapter 5, or those ``$TWOPLUSTWO_COLAB_CHAPTERS`` names (``all``, or numbers: ``04,05``)."""
    wanted = os.environ.get("TWOPLUSTWO_COLAB_CHAPTERS", "")
    if wanted == "all":
        return sorted(SMALL_PARAMETERS)
    numbers = [number.strip().zfill(2) for number in wanted.split(",") if number.strip()]
    return [name for name in sorted(SMALL_PARAMETERS) if name[:2] in numbers] or CHAPTERS


@pytest.mark.parametrize("name", chapters_to_run())
def test_a_chapter_runs_from_the_wheel_alone(colab, name, monkeypatch):
    import papermill

    python, chapters, cache, jupyter_path, _ = colab
    for key, value in outside_env({"JUPYTER_PATH": str(jupyter_path), "TWOPLUSTWO_CACHE": str(cache)}).items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("PYTHONPATH", raising=False)
    started = time.perf_counter()
    papermill.execute_notebook(
        str(chapters / name),
        str(chapters / f"executed-{name}"),
        parameters=SMALL_PARAMETERS[name],
        cwd=str(chapters),
        kernel_name=KERNEL,
        progress_bar=False,
        execution_timeout=1200,
    )
    TIMINGS[f"run {name[:2]}"] = time.perf_counter() - started
    import nbformat

    # Papermill raises on any cell's error; the run must also have stored its results.
    assert glued(nbformat.read(chapters / f"executed-{name}", as_version=4)), f"{name} ran but glued nothing"
