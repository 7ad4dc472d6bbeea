"""Shared test fixtures: executing a chapter with papermill and reading what it glued.

Chapters record their key results with ``myst_nb.glue(name, value)`` (the same values the
prose shows inline). ``glued(notebook)`` reads them back from the executed notebook, so a
test asserts on what the chapter computed, not on what it printed.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# Headless Chromium fixtures (chromium, open_page, served) for every test module: see browser_support.py.
from browser_support import chromium, open_page, served  # noqa: E402, F401


def execute_notebook(name: str, output_dir: Path, timeout: int = 1200, **parameters) -> nbformat.NotebookNode:
    """Run ``notebooks/<name>`` headless with papermill, injecting ``parameters``."""
    import papermill

    output = output_dir / name
    papermill.execute_notebook(
        str(NOTEBOOKS / name),
        str(output),
        parameters=parameters,
        cwd=str(NOTEBOOKS),
        kernel_name="python3",
        progress_bar=False,
        execution_timeout=timeout,
    )
    return nbformat.read(output, as_version=4)


def glued(notebook: nbformat.NotebookNode) -> dict[str, object]:
    """Every value the notebook stored with ``myst_nb.glue``, parsed back into Python."""
    values: dict[str, object] = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name is None:
                continue
            # glue(display=False) stores the value under a prefixed MIME type.
            data = output.get("data", {})
            text = next((value for key, value in data.items() if key.endswith("text/plain")), "")
            try:
                values[name] = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                values[name] = text
    return values


def claims(notebook: nbformat.NotebookNode) -> dict[str, dict]:
    """The chapter's claims record (``helpers.claims``) by id: ``{id: {"text", "holds", "values"}}``.

    Fails when the chapter glued no record, or when a claim's sentence glued as
    ``claim_<id>`` differs from the one in the record.
    """
    values = glued(notebook)
    assert isinstance(values.get("claims"), list), "the chapter glued no claims record"
    record = {claim["id"]: claim for claim in values["claims"]}
    for claim_id, claim in record.items():
        assert values.get(f"claim_{claim_id}") == claim["text"], f"claim_{claim_id} is not the record's sentence"
    return record


#: Small parameters for each chapter: enough to exercise every cell and to assert on the
#: results, fast enough for the whole suite to stay well under 20 minutes on 2 cores.
SMALL_PARAMETERS: dict[str, dict] = {
    "01_two_plus_two.ipynb": dict(
        HIDDEN_UNITS=[1, 2, 16],
        BITS=[4, 8, 16],
        SEEDS=[0, 1, 2],
        EPOCHS=400,
        N_EVAL=2000,
        LUCKY_PATIENCE=20,
        LUCK_SEEDS=6,
        SURFACE_POINTS=24,
        EXPLORER_EPOCHS=30,
    ),
    # Two seeds whose 2-unit networks add, short training runs.
    "02_inside_the_hidden_layer.ipynb": dict(
        SEEDS=[0, 4],
        SURVEY_UNITS=[2, 4],
        HEATMAP_UNITS=2,
        BITS=[4, 8, 16],
        EPOCHS=300,
        STEP_UNITS=16,
        STEP_SEEDS=[0],
        PUSH_WIDTHS=[8, 16],
        EXTRAPOLATION=[2, 10],
        READOUT_EPOCHS=6000,
        N_TRAIN=10_000,
        N_EVAL=2000,
    ),
    # A 3-digit adder trained for a few epochs, a tiny results table and padded model, and the
    # aligned adder at its full (cheap) settings so that its generalization is checked.
    "03_string_addition.ipynb": {
        "N_QUESTIONS": 12_000,
        "EPOCHS": 6,
        "REVERSE_OFF_EPOCHS": 3,
        "TABLE_RUNS": {2: {"n_questions": 1_000, "epochs": 3}},
        "LIMIT_DIGITS": 4,
        "LIMIT_QUESTIONS": 3_000,
        "LIMIT_EPOCHS": 2,
        "N_TEST_100": 100,
        "N_TEST_1000": 20,
    },
    # Gene Lyrica One on 150 songs for 2 epochs, the other networks as short, two n-gram orders.
    "04_gene_lyrica_one.ipynb": dict(
        GENE_EPOCHS=2,
        GENE_MAX_SONGS=150,
        ORIGINAL_EPOCHS=1,
        BABA_EPOCHS=4,
        TOD_MAX_SONGS=150,
        SEQUENCE_EPOCHS=2,
        NGRAM_ORDERS=[2, 3],
        TEMPERATURES=[0.0, 1.0],
        SWEEP_SAMPLES=5,
        SWEEP_WORDS=20,
    ),
    # Every GAN of chapter 5 for 2 epochs on a few hundred images, small attribute classifiers.
    "05_cartoon_avatars.ipynb": dict(
        N_ELLIPSES=512,
        ELLIPSE_EPOCHS=2,
        N_FACES=512,
        FACE_EPOCHS=2,
        CONDITIONAL_EPOCHS=2,
        N_CLASSIFIER=800,
        CLASSIFIER_EPOCHS=2,
        N_SCORE=64,
        N_AGREEMENT=200,
    ),
}


@pytest.fixture(scope="session")
def executed_dir(tmp_path_factory) -> Path:
    """One folder for every executed chapter of the session (the site test builds from it)."""
    return tmp_path_factory.mktemp("executed")


@pytest.fixture(scope="session")
def executed(executed_dir):
    """``executed(name)``: the chapter run once per session with its small parameters."""
    cache: dict[str, nbformat.NotebookNode] = {}

    def run(name: str) -> nbformat.NotebookNode:
        if name not in cache:
            cache[name] = execute_notebook(name, executed_dir, **SMALL_PARAMETERS[name])
        return cache[name]

    return run
