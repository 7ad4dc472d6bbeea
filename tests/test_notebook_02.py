"""Chapter 2 executed headless, asserting on what it computed and on what its page says.

Two runs: the small parameters of ``conftest.SMALL_PARAMETERS`` (every cell, results checked),
and a run with parameters under which claims fail (2 epochs, a few hundred pairs), whose page
must say so. Claims are checked against computations of the test's own where one is cheap,
and otherwise against the numbers each claim records, with the test's own criterion.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from conftest import SMALL_PARAMETERS, claims, execute_notebook, glued

from helpers import addition

NAME = "02_inside_the_hidden_layer.ipynb"
SMALL = SMALL_PARAMETERS[NAME]
#: Parameters under which the fixes cannot learn (2 epochs) and the readout cannot either.
FAILING = dict(
    SMALL,
    SEEDS=[0],
    SURVEY_UNITS=[2],
    HEATMAP_UNITS=2,
    EPOCHS=2,
    STEP_UNITS=4,
    PUSH_WIDTHS=[4, 8],
    READOUT_EPOCHS=20,
    N_TRAIN=300,
    N_EVAL=300,
)
CLAIMS = {
    "bias_top_bit_only",
    "clean_data",
    "adders_have_negative",
    "rewrite_exact",
    "intercepts_vanish",
    "cubic_bend",
    "failure_flips_nothing",
    "large_inputs_flat",
    "large_sums_saturate",
    "scaling_helps",
    "sigmoid_schedule_short",
    "relu_adds",
    "relu_headline",
    "train_best_sibling",
    "optimizer_guilty",
    "float32_costs",
    "wide_sigmoid_adds",
    "sigmoid_gets_there",
    "single_unit_fails",
    "only_linear_extrapolates",
    "relu_bends_beyond",
    "shallow_top_only",
    "deep_code",
    "unasked_no_code",
}


@pytest.fixture(scope="module")
def chapter(executed):
    notebook = executed(NAME)
    return notebook, glued(notebook), claims(notebook)


@pytest.fixture(scope="module")
def failing(tmp_path_factory):
    notebook = execute_notebook(NAME, tmp_path_factory.mktemp("failing"), **FAILING)
    return notebook, glued(notebook), claims(notebook)


def shown_claims(notebook) -> set[str]:
    """The claim ids the page's prose shows (``{glue:text}`claim_<id>```)."""
    return {
        match
        for cell in notebook.cells
        if cell.cell_type == "markdown"
        for match in re.findall(r"\{glue:text\}`claim_([a-z0-9_]+)`", cell.source)
    }


@pytest.mark.notebook
def test_every_claim_is_recorded_and_shown(chapter):
    notebook, values, record = chapter
    assert set(record) == CLAIMS
    assert shown_claims(notebook) == CLAIMS
    failed = [claim for claim in record.values() if not claim["holds"]]
    sentence = values["claims_failed_sentence"]
    assert all(" ".join(claim["text"].split()[:6]) in sentence for claim in failed), sentence
    assert (f"{len(failed)} did not hold" in sentence) == bool(failed)


@pytest.mark.notebook
def test_binary_hypothesis(chapter):
    _, values, record = chapter
    # S(0) = 1/2 for every weight: without a bias, the number 0 is always off by 1/2.
    assert values["hyp_no_bias_error"] == pytest.approx(0.5)
    claim = record["bias_top_bit_only"]
    # (0, 1, 0, 1) goes up and down; a monotone function misses one of f(1) = 1, f(2) = 0 by 1/2.
    assert claim["values"]["low"] >= 0.5 - 1e-9
    assert claim["values"]["high"] < 1e-3 and claim["holds"]


@pytest.mark.notebook
def test_scores_are_on_fresh_pairs(chapter):
    _, _, record = chapter
    claim = record["clean_data"]
    # Our own count: scoring pairs of seed EVAL_SEED + s that also occur in seed s's training pairs.
    bits, shares = max(SMALL["BITS"]), []
    for seed in {*SMALL["SEEDS"], *SMALL["STEP_SEEDS"]}:
        train = addition.make_pairs(SMALL["N_TRAIN"], bits, seed)[0] @ [1 << bits, 1]
        scoring = addition.make_pairs(SMALL["N_EVAL"], bits, addition.EVAL_SEED + seed)[0] @ [1 << bits, 1]
        shares.append(np.isin(scoring, train).mean())
    assert claim["values"]["overlap_large"] == pytest.approx(np.mean(shares), abs=1e-12)
    assert claim["values"]["fit"] + claim["values"]["validation"] == SMALL["N_TRAIN"]
    assert claim["values"]["validation"] == SMALL["N_TRAIN"] // 5
    assert claim["holds"] and "validation split" in claim["text"]


@pytest.mark.notebook
def test_two_unit_network_and_derivation(chapter):
    _, values, record = chapter
    assert values["two_accuracy"] >= 0.95  # seeds 0 and 4 both find an adder
    assert values["two_22"] == pytest.approx(4, abs=0.5)
    assert values["two_v_pos"] > 5 and values["two_v_neg"] < -5  # one big positive, one big negative
    assert values["two_h_pos"] > 0.5 > values["two_h_neg"]
    assert record["rewrite_exact"]["holds"] and record["rewrite_exact"]["values"]["error"] < 1e-3
    cubic = record["cubic_bend"]["values"]
    assert record["cubic_bend"]["holds"] == (cubic["cubic_error"] < cubic["linear_error"] and cubic["slope_a"] > 1)
    assert record["adders_have_negative"]["holds"]


@pytest.mark.notebook
def test_saturation_explains_large_sums(chapter):
    _, _, record = chapter
    flat = record["large_inputs_flat"]["values"]
    top = 2 ** max(SMALL["BITS"]) - 2
    assert flat["top"] == top and flat["input"] == pytest.approx(top / 10_000)
    assert record["large_inputs_flat"]["holds"] == (top / 10_000 > 4)
    claim = record["large_sums_saturate"]
    assert claim["values"]["saturated"] > 0.9 and claim["values"]["large"] < 0.01 < claim["values"]["small"]
    assert claim["holds"]


@pytest.mark.notebook
def test_fixes_reach_the_targets(chapter):
    _, values, record = chapter
    assert values["original_large"] < 0.05 and values["limit_large"] == 2 ** max(SMALL["BITS"])
    for role in ("small", "middle", "large"):
        assert values[f"relu_{role}"] >= 0.999
    assert record["relu_adds"]["values"]["worst"] >= 0.999 and record["relu_adds"]["values"]["linear"] >= 0.999
    assert record["relu_adds"]["holds"] and record["relu_headline"]["holds"]
    schedule = record["sigmoid_schedule_short"]["values"]
    assert schedule["at_m"] > values["original_middle"] and schedule["at_l"] == values["schedule_large"]
    assert record["train_best_sibling"]["values"]["alone"] >= 0.999
    push = record["optimizer_guilty"]["values"]
    assert push["exact"] >= push["adam"]
    assert record["optimizer_guilty"]["holds"] == (push["exact"] - push["adam"] >= 0.10)
    assert record["single_unit_fails"]["values"]["error"] > 0.5 and record["single_unit_fails"]["holds"]


@pytest.mark.notebook
def test_extrapolation_and_binary_readout(chapter):
    _, _, record = chapter
    beyond = record["only_linear_extrapolates"]["values"]
    assert beyond["linear"] == 1.0 and beyond["sigmoid_far"] < 0.1
    assert record["only_linear_extrapolates"]["holds"] == (beyond["other_far"] < 0.99)
    shallow = record["shallow_top_only"]["values"]
    assert shallow["top"] == 1.0 and shallow["low"] < 0.9 and record["shallow_top_only"]["holds"]
    assert record["deep_code"]["values"]["decoded"] == 1.0 and record["deep_code"]["holds"]


@pytest.mark.notebook
def test_the_explorer_is_an_app_and_the_widget_stays_for_jupyterlab(chapter):
    notebook, _, _ = chapter
    html = [
        output["data"]["text/html"]
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if "text/html" in output.get("data", {})
    ]
    apps = [text for text in html if 'class="twoplustwo-browser-model"' in text and "activations" in text]
    assert len(apps) == 1 and re.search(r"networks\.[0-9a-f]{12}\.json", apps[0])
    assert not any("Plotly.newPlot" in text for text in html)  # the page needs no plotly
    widget_cells = [
        cell
        for cell in notebook.cells
        if any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in cell.get("outputs", []))
    ]
    assert widget_cells, "the activation explorer widget is missing"
    assert all("remove-output" in cell.metadata.get("tags", []) for cell in widget_cells)


@pytest.mark.notebook
def test_the_page_reads_as_an_essay(chapter):
    notebook, _, _ = chapter
    visible = [c for c in notebook.cells if not {"remove-cell", "hide-input"} & set(c.metadata.get("tags", []))]
    code = [c for c in visible if c.cell_type == "code"]
    assert max(len(c.source.splitlines()) for c in code) <= 25
    words = sum(len(c.source.split()) for c in visible)
    assert words <= 4000, words
    assert [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])][0] in visible


@pytest.mark.notebook
def test_every_inline_value_in_the_prose_was_glued(chapter):
    notebook, values, _ = chapter
    referenced = {
        match
        for cell in notebook.cells
        if cell.cell_type == "markdown"
        for match in re.findall(r"\{glue:text\}`([A-Za-z0-9_]+)", cell.source)
    }
    assert referenced, "the prose shows no computed values"
    missing = referenced - set(values)
    assert not missing, f"prose refers to values the chapter never glued: {sorted(missing)}"
    unread = set(values) - referenced - {"claims"}
    assert not unread, f"the chapter glues values no page reads: {sorted(unread)}"


@pytest.mark.notebook
def test_a_run_whose_claims_fail_says_so(failing):
    notebook, values, record = failing
    assert set(record) == CLAIMS
    failed = {claim_id for claim_id, claim in record.items() if not claim["holds"]}
    # Two epochs cannot make a ReLU network add below 65536: our criterion, not the chapter's.
    relu = record["relu_headline"]["values"]
    assert relu["relu"] < 0.999 and "relu_headline" in failed
    assert "not yet an adder" in values["claim_relu_headline"]
    assert "relu_adds" in failed and "falls short" in values["claim_relu_adds"]
    # Twenty full-batch steps cannot teach the deep code every digit.
    assert record["deep_code"]["values"]["decoded"] < 1.0 and "deep_code" in failed
    assert f"{len(failed)} did not hold" in values["claims_failed_sentence"]
    for claim_id in failed:
        assert " ".join(record[claim_id]["text"].split()[:6]) in values["claims_failed_sentence"]
    assert shown_claims(notebook) == CLAIMS


def test_bits_must_name_three_ranges(tmp_path):
    """The page compares a small, a middle and a large range: other BITS stop at the check, saying so."""
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as error:
        execute_notebook(NAME, tmp_path, timeout=120, BITS=[4, 8])
    assert "BITS must hold three different bit counts" in str(error.value) and "[4, 8]" in str(error.value)
