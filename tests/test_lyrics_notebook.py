"""Chapter 4 executed headless with small parameters; asserts on the values and claims it glued.

The small parameters (two epochs on 150 songs) leave the network short of the book's 10%
target over the n-gram model, so this one run also shows a failed claim said in words.
"""

from __future__ import annotations

import math

import pytest
from conftest import SMALL_PARAMETERS, claims, glued

NAME = "04_gene_lyrica_one.ipynb"
SMALL = SMALL_PARAMETERS[NAME]


def own_ngram_perplexities():
    """The n-gram side computed here, not the notebook's way: test perplexity per order, order chosen on validation."""
    from helpers import lyrics
    from helpers.lyrics import configs, metrics, training_data

    corpus = lyrics.load_corpus()
    config = configs.get_config("gene", max_songs=SMALL["GENE_MAX_SONGS"])
    data = training_data.prepare(corpus, config, seed=0)
    training = metrics.song_tokens(data.vocabulary, data.training_songs)
    scored = {}
    for order in SMALL["NGRAM_ORDERS"]:
        model = metrics.KneserNey(order, training, discount=0.75)
        scored[order] = {
            side: model.evaluate(metrics.song_tokens(data.vocabulary, songs))["perplexity"]
            for side, songs in (("validation", data.validation_songs), ("test", data.test_songs))
        }
    chosen = min(scored, key=lambda order: scored[order]["validation"])
    return scored, chosen, data


@pytest.mark.notebook
def test_chapter_4_executes_and_its_results_hold(executed):
    notebook = executed(NAME)
    values = glued(notebook)
    record = claims(notebook)
    # The corpus: cleaned and de-duplicated, as measured in the test of helpers.lyrics.
    assert 1300 < values["songs_clean"] < 1347 and values["duplicates_dropped"] >= 6
    assert values["licence_words"] > 1000
    assert values["gene_training_songs"] == SMALL["GENE_MAX_SONGS"]
    assert values["window"] >= 2 and values["vocabulary_size"] > 100
    assert values["gene_epochs"] <= SMALL["GENE_EPOCHS"] and values["original_epochs"] == SMALL["ORIGINAL_EPOCHS"]
    for name in ("gene_train_top1", "gene_test_top1", "gene_test_top5", "baba_train_top1", "baba_test_top1"):
        assert 0.0 <= values[name] <= 1.0, name
    assert values["gene_test_top1"] <= values["gene_test_top5"]
    assert 1 < values["gene_perplexity"] < values["vocabulary_size"]
    assert 1 <= values["gene_stride"] <= values["window"] and 0 < values["gene_pieces"] < values["training_windows"]

    # The n-gram side, recomputed here: the order the validation songs choose, its test perplexity.
    scored, chosen, data = own_ngram_perplexities()
    assert record["higher_orders_no_help"]["values"]["words"] == sum(len(ids) for ids in data.training_ids)
    assert values["best_ngram_order"] == chosen
    assert math.isclose(values["best_ngram_perplexity"], scored[chosen]["test"], rel_tol=1e-9)
    # The verdicts against our own numbers.
    network = values["gene_perplexity"]
    assert record["gene_beats_ngram"]["holds"] == (network < scored[chosen]["test"])
    assert record["gene_meets_target"]["holds"] == (network <= 0.9 * scored[chosen]["test"])
    top = max(scored)
    assert record["higher_orders_no_help"]["holds"] == (
        scored[top]["test"] >= min(scored[o]["test"] for o in scored if o < top)
    )
    assert record["test_above_training"]["holds"] == (values["gene_test_top1"] > values["gene_train_top1"])
    assert record["baba_memorises"]["holds"] == (
        values["baba_train_top1"] > values["baba_test_top1"] and values["baba_copied"] > values["gene_copied_training"]
    )

    # This run falls short of the 10% target, and the page says so in words.
    assert not record["gene_meets_target"]["holds"]
    assert "falls short" in record["gene_meets_target"]["text"]
    prose = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    for claim_id in record:
        assert f"{{glue:text}}`claim_{claim_id}`" in prose, f"the page never shows claim {claim_id}"

    assert 0 < values["gene_model_mb"] < 8 and values["chapter_seconds"] > 0
    # The in-browser generator's element and the interactive plotly figure are in the page; the
    # JupyterLab generator's output is removed from the static page.
    outputs = [o for c in notebook.cells for o in c.get("outputs", [])]
    assert any("twoplustwo-browser-model" in str(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert any("application/vnd.plotly.v1+json" in o.get("data", {}) for o in outputs)
    widget_cells = [c for c in notebook.cells if c.cell_type == "code" and "lyrics_widget(" in c.source]
    assert widget_cells and all("remove-output" in c.metadata.get("tags", []) for c in widget_cells)
