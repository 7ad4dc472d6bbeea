"""Chapter 3 executed headless with small parameters; asserts on the values it glued."""

from __future__ import annotations

import math

import pytest
from conftest import SMALL_PARAMETERS, glued

NAME = "03_string_addition.ipynb"

SMALL = SMALL_PARAMETERS[NAME]


@pytest.mark.notebook
def test_chapter_3_executes_and_its_results_hold(executed):
    notebook = executed(NAME)
    values = glued(notebook)
    for name in (
        "s2s_exact",
        "s2s_char",
        "reverse_on_exact",
        "reverse_off_exact",
        "limit_seen",
        "limit_unseen",
        "long_exact_100",
        "long_exact_1000",
        "carry_unit_accuracy",
        "probe_accuracy",
        "ablate_no_carry",
        "ablate_with_carry",
    ):
        assert 0.0 <= values[name] <= 1.0, name
    # Exact match can never exceed per-character accuracy on the same questions.
    assert values["s2s_exact"] <= values["s2s_char"]
    assert values["s2s_epochs"] <= SMALL["EPOCHS"]
    assert set(values["table_exact"]) == {2, 3}
    assert values["reverse_epochs"] == SMALL["REVERSE_OFF_EPOCHS"]
    assert set(values["limit_by_length"]) == {1, 2, 3, 4}
    assert isinstance(values["example_535"], str)
    # The recipe the prose quotes is the one train_adder uses.
    from helpers.string_addition.seq2seq import Seq2SeqSettings

    book = Seq2SeqSettings()
    assert values["book_batch"] == book.batch_size and values["book_peak_rate"] == book.learning_rate
    assert values["book_decay_trigger"] == book.decay_trigger and values["book_decay_epochs"] == book.decay_epochs
    assert values["book_floor"] == book.decay_floor and values["book_floor_epochs"] == book.floor_epochs
    assert values["book_floor_rate"] == pytest.approx(book.decay_floor * book.learning_rate)
    assert values["book_steps_per_call"] == book.steps_per_execution and values["book_checks"] == book.checks_per_epoch
    # The aligned adder, trained on 8 digits, adds 100- and 1,000-digit numbers.
    assert values["long_exact_100"] >= 0.999
    assert values["long_exact_1000"] >= 0.999
    assert values["long_seconds"] > 0
    # The carry is readable by a linear probe, and clamping it breaks exactly the carrying sums.
    assert values["probe_accuracy"] >= 0.98
    assert values["ablate_no_carry"] >= 0.95 and values["ablate_with_carry"] <= 0.2
    # Every figure is static (matplotlib PNG) or, for the widget, has a text fallback.
    images = sum("image/png" in o.get("data", {}) for c in notebook.cells for o in c.get("outputs", []))
    assert images >= 5  # two learning-curve figures, carry trace, projection, answers
    # Training progress is one block (one output updated in place), not one box per line;
    # only the imports cell (tagged remove-stderr) writes to stderr.
    outputs = [(c, o) for c in notebook.cells for o in c.get("outputs", [])]
    progress = [
        o["data"]["text/plain"]
        for _, o in outputs
        if o.get("output_type") == "display_data" and o["data"].get("text/plain", "").startswith("epoch ")
    ]
    assert len(progress) == 1 and progress[0].count("\nepoch ") == math.ceil(values["s2s_epochs"]) - 1
    assert not [
        c.source[:40]
        for c, o in outputs
        if o.get("name") == "stderr" and "remove-stderr" not in c.metadata.get("tags", [])
    ]
