"""Chapter 4 executed headless with small parameters; asserts on the values it glued."""

from __future__ import annotations

import math

import pytest
from conftest import SMALL_PARAMETERS, glued

NAME = "04_gene_lyrica_one.ipynb"
SMALL = SMALL_PARAMETERS[NAME]


@pytest.mark.notebook
def test_chapter_4_executes_and_its_results_hold(executed):
    notebook = executed(NAME)
    values = glued(notebook)
    # The corpus: cleaned and de-duplicated, as measured in the test of helpers.lyrics.
    assert 1300 < values["songs_clean"] < 1347 and values["duplicates_dropped"] >= 6
    assert values["licence_words"] > 1000
    assert values["gene_training_songs"] == SMALL["GENE_MAX_SONGS"]
    assert values["window"] >= 2 and values["vocabulary_size"] > 100
    # Training ran the epochs asked for and scores are probabilities / perplexities.
    assert values["gene_epochs"] <= SMALL["GENE_EPOCHS"] and values["original_epochs"] == SMALL["ORIGINAL_EPOCHS"]
    for name in (
        "gene_train_top1",
        "gene_held_top1",
        "gene_held_top5",
        "baba_train_top1",
        "baba_held_top1",
        "tod_held_top1",
        "baba_copied",
    ):
        assert 0.0 <= values[name] <= 1.0, name
    assert values["gene_held_top1"] <= values["gene_held_top5"]
    assert 1 < values["gene_perplexity"] < values["vocabulary_size"]
    # The book's Gene Lyrica One trains on pieces of songs: far fewer examples than one window per word.
    assert 1 <= values["gene_stride"] <= values["window"]
    assert values["gene_reads"] == values["window"] / values["gene_stride"]
    assert 0 < values["gene_pieces"] < values["training_windows"]
    # The n-gram baselines, one per order asked for, and the comparison glued from them.
    assert set(values["ngram_perplexities"]) == set(SMALL["NGRAM_ORDERS"])
    assert values["best_ngram_perplexity"] == min(values["ngram_perplexities"].values()) or math.isclose(
        values["best_ngram_perplexity"], min(values["ngram_perplexities"].values()), rel_tol=1e-3
    )
    assert math.isclose(
        values["gene_vs_ngram"], 1 - values["gene_perplexity"] / values["best_ngram_perplexity"], rel_tol=1e-6
    )
    # Randomness 0 repeats at least as much as the real songs; randomness 1 varies more than randomness 0.
    assert values["distinct2_at_0"] <= values["distinct2_real"]
    assert values["distinct2_at_1"] >= values["distinct2_at_0"]
    assert 0 < values["gene_model_mb"] < 8
    assert values["chapter_seconds"] > 0
    # The in-browser generator's element, and the interactive plotly figure, are in the page.
    outputs = [o for c in notebook.cells for o in c.get("outputs", [])]
    assert any("twoplustwo-browser-model" in str(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert any("application/vnd.plotly.v1+json" in o.get("data", {}) for o in outputs)
