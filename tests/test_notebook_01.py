"""Chapter 1 executed headless with small parameters; assertions on what it computed.

The claims are checked against computations of the tests' own (from the results table and
the glued numbers), and a second, deliberately short run checks that a failed claim says so
in the page.
"""

from __future__ import annotations

import html as html_text
import json
import re

import numpy as np
import pandas as pd
import pytest
from conftest import SMALL_PARAMETERS, claims, execute_notebook, glued

NAME = "01_two_plus_two.ipynb"
pytestmark = pytest.mark.notebook
ADDS = 0.95  # "learned to add": at least 95% of fresh sums right

#: A run too short for any network to learn: the headline claim must fail, and say so.
FAILING_PARAMETERS = dict(
    HIDDEN_UNITS=[1, 2],
    BITS=[4, 8],
    SEEDS=[0, 1],
    EPOCHS=1,
    N_TRAIN=2000,
    N_EVAL=500,
    LUCKY_PATIENCE=2,
    LUCK_SEEDS=2,
    SURFACE_POINTS=8,
    EXPLORER_EPOCHS=1,
)


@pytest.fixture(scope="module")
def chapter(executed):
    return executed(NAME)


@pytest.fixture(scope="module")
def values(chapter):
    return glued(chapter)


@pytest.fixture(scope="module")
def record(chapter):
    return claims(chapter)


@pytest.fixture(scope="module")
def table(record):
    return pd.DataFrame(record["small_adds"]["values"]["results"])


def markdown(notebook) -> str:
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


def test_the_trivial_network_adds(record):
    assert record["trivial"]["holds"] and record["trivial"]["values"]["answer"] == 42


def test_the_grid_is_complete(values, table):
    params = SMALL_PARAMETERS[NAME]
    assert (
        len(table) == values["n_networks"] == len(params["HIDDEN_UNITS"]) * len(params["BITS"]) * len(params["SEEDS"])
    )
    assert table.epochs.between(1, params["EPOCHS"]).all()
    assert values["grid_seconds"] > 0


def test_two_hidden_units_add_small_sums_in_some_seed(table):
    two = table[(table.hidden_units == 2) & (table.max_sum == 16)]
    assert two.accuracy.max() >= ADDS  # the lucky run adds
    sixteen = table[(table.hidden_units == 16) & (table.max_sum == 16)]
    assert sixteen.accuracy.min() >= ADDS  # the wide network always does


def test_every_claim_is_on_the_page(chapter, record):
    prose = markdown(chapter)
    for claim_id in record:
        assert f"claim_{claim_id}`" in prose, f"claim {claim_id} is recorded but the page does not show it"


def test_the_headline_claims_match_the_table(record, table):
    # Our own count of the small-sum adders, from the results table.
    small = table[table.max_sum == table.max_sum.min()]
    wide_runs = small[small.hidden_units > 1]
    share = sum(accuracy >= ADDS for accuracy in wide_runs.accuracy) / len(wide_runs)
    assert record["small_adds"]["holds"] == (share > 0)
    assert f"{share:.0%} of those runs" in record["small_adds"]["text"]
    best_large = table[table.max_sum > table.max_sum.min()].accuracy.max()
    assert record["never_large"]["holds"] == (best_large < ADDS)
    # Wider layers: mean MSE per (range, width), compared with the next width up, by pivot table.
    pivot = table.pivot_table(index="hidden_units", columns="max_sum", values="mse", aggfunc="mean")
    lower = int((np.diff(pivot.to_numpy(), axis=0) < 0).sum())
    steps = (len(pivot) - 1) * pivot.shape[1]
    assert (record["wider"]["values"]["improved"], record["wider"]["values"]["steps"]) == (lower, steps)
    assert record["wider"]["holds"] == (lower > steps / 2)


def test_the_blog_observations_about_failure_hold(record, table):
    verdicts = record["blog_failures"]["values"]["verdicts"]
    assert verdicts["a"] == verdicts["c"] == verdicts["d"] == "agree"
    assert set(verdicts.values()) <= {"agree", "partly", "disagree"}
    assert table[table.hidden_units == 1].accuracy.max() < 0.5  # (a), by hand


def test_validation_steers_and_fresh_pairs_score(record):
    claim = record["fresh_pairs"]
    assert claim["holds"] and claim["values"]["n_validation"] == 2000
    assert "2,000" in claim["text"] and f"{SMALL_PARAMETERS[NAME]['N_EVAL']:,} fresh pairs" in claim["text"]


def test_the_patience_claims_follow_the_counts(values, record):
    lucky, patient, unstopped = values["lucky_ok"], values["patient_ok"], values["unstopped_ok"]
    rescued = patient > lucky or unstopped > lucky
    assert record["patience"]["holds"] == record["patience_summary"]["holds"] == (not rescued)
    if not rescued:
        assert "Not one more run learns to add" in record["patience"]["text"]


def test_the_stories_behind_the_surfaces(values, record):
    narrow = record["narrow_range"]["values"]
    assert 0 <= narrow["lowest"] < narrow["highest"] <= 254  # a band inside the range of sums
    assert narrow["highest"] - narrow["lowest"] < 254 / 2  # and a narrow one
    # The hill: the same sum answered differently depending on its split. A perfect adder
    # (120 and 120) fails here, and so does a network that is nowhere near the sum.
    even, uneven = values["hill_60_60"], values["hill_103_17"]
    assert abs(even - uneven) >= 0.5 and record["wobble"]["holds"]
    assert abs(even - 120) < 40 and abs(uneven - 120) < 40
    saturation = record["saturated"]["values"]["saturation"]
    assert min(saturation.values()) > 0.9  # sums below 65536: saturated units


def test_the_plateau_and_the_valley_claims_rest_on_the_right_numbers(values, record):
    small = min(SMALL_PARAMETERS[NAME]["BITS"])
    numbers = np.arange(2 ** (small - 1))
    sums = np.add.outer(numbers, numbers).ravel()  # every pair once: the distribution of a + b
    plateau = record["plateau"]["values"]
    assert plateau["constant"] == pytest.approx(np.var(sums))  # the MSE of answering the mean
    if record["plateau"]["holds"]:
        assert f"{np.var(sums):.1f}" in record["plateau"]["text"] and plateau["factor"] >= 10
        assert plateau["lucky"] <= plateau["then"] < plateau["low"] <= plateau["high"]
    valley = record["valley"]["values"]
    assert valley["densest"] == np.bincount(sums).argmax()  # 7 for sums below 16
    assert 0 <= valley["explained"] <= 1 and f"a + b = {valley['valley']}" in record["valley"]["text"]
    # The prose's ranges follow BITS.
    assert values["limit_large"] == 2 ** max(SMALL_PARAMETERS[NAME]["BITS"])
    assert values["top_middle"] == 2 ** sorted(SMALL_PARAMETERS[NAME]["BITS"])[1] - 2


def test_luck_is_in_the_output_weights(values, record):
    assert record["signs"]["text"]
    assert 0 <= values["luck_positive_rate"] <= 1 and 0 <= values["luck_negative_rate"] <= 1
    assert record["start_sign"]["holds"] == (values["luck_negative_rate"] > values["luck_positive_rate"])


def test_static_outputs_are_present(chapter):
    html = [
        output["data"]["text/html"]
        for cell in chapter.cells
        for output in cell.get("outputs", [])
        if "text/html" in output.get("data", {})
    ]
    surfaces = [h for h in html if "Plotly.newPlot" in h]
    assert len(surfaces) == len(SMALL_PARAMETERS[NAME]["BITS"])
    assert all("<script src=" not in h for h in surfaces)  # no CDN, no inlined library
    # The JupyterLab explorer is there for JupyterLab (its output removed from the book) ...
    state = chapter.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert any(model["model_name"] == "ButtonModel" for model in state.values())
    widget_cell = next(cell for cell in chapter.cells if "retrain_explorer(" in cell.source)
    assert "remove-output" in widget_cell.metadata.get("tags", [])
    # ... and the browser app stands in for it in the static page.
    apps = [h for h in html if 'class="twoplustwo-browser-model"' in h]
    assert len(apps) == 1
    spec = json.loads(html_text.unescape(re.search(r'data-spec="([^"]*)"', apps[0]).group(1)))
    assert spec["app"] == "explorer" and spec["models"] == {} and set(spec["files"]) == {"check"}
    assert spec["config"]["defaults"]["patience"] == 5


def test_a_failed_claim_says_so_on_the_page(tmp_path):
    notebook = execute_notebook(NAME, tmp_path, **FAILING_PARAMETERS)
    record = claims(notebook)
    small = pd.DataFrame(record["small_adds"]["values"]["results"])
    assert len(small) == 8 and (small.epochs == 1).all()
    # One epoch teaches nobody to add: by our own count, no run reaches 95%.
    assert not any(small.accuracy >= ADDS)
    assert not record["small_adds"]["holds"]
    assert record["small_adds"]["text"].startswith("With sums below 16, not one network")
    assert glued(notebook)["claim_small_adds"] == record["small_adds"]["text"]
    assert "**Result:** {glue:text}`claim_small_adds`" in markdown(notebook)
