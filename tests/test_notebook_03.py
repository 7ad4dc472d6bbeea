"""Chapter 3 executed headless with small parameters; asserts on what it glued and claimed.

Two runs: the small parameters of ``conftest.SMALL_PARAMETERS``, whose results are checked
against computations of the test's own (the test questions never seen in training, the
claims' verdicts from their numbers), and a one-epoch run in which claims must fail and the
page must say so.
"""

from __future__ import annotations

import pytest
from conftest import SMALL_PARAMETERS, claims, glued

NAME = "03_string_addition.ipynb"

SMALL = SMALL_PARAMETERS[NAME]


def shown_text(notebook) -> str:
    """The page's prose with every ``{glue:text}`claim_<id>``` replaced by the claim's sentence."""
    values = glued(notebook)
    prose = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    for name, value in values.items():
        if name.startswith("claim_"):
            prose = prose.replace(f"{{glue:text}}`{name}`", str(value))
    return prose


@pytest.mark.notebook
def test_chapter_3_executes_and_its_results_hold(executed):
    notebook = executed(NAME)
    values = glued(notebook)
    record = claims(notebook)
    reversal, limit, carry = (record[name]["values"] for name in ("reversal_helps", "limit", "carry_only"))
    for name in ("s2s_exact", "s2s_char", "s2s_val_exact"):
        assert 0.0 <= values[name] <= 1.0, name
    for value in (reversal["on"], reversal["off"], limit["seen"], limit["unseen"], carry["kept"], carry["carrying"]):
        assert 0.0 <= value <= 1.0
    # Exact match can never exceed per-character accuracy on the same (test) questions.
    assert values["s2s_exact"] <= values["s2s_char"]
    assert values["s2s_epochs"] <= SMALL["EPOCHS"]
    # The results table has a row for each run (the TABLE_RUNS and the chapter's DIGITS).
    tables = [
        o["data"]["text/html"] for c in notebook.cells for o in c.get("outputs", []) if "text/html" in o.get("data", {})
    ]
    results = next(t for t in tables if "answers right (test)" in t)
    assert results.count("<tr>") == 1 + len(SMALL["TABLE_RUNS"]) + 1
    by_length = limit["by_length"]  # keys as strings: the record holds plain values
    assert set(by_length) == {"1", "2", "3", "4"}
    # Two 1-digit numbers make 55 questions; 3,000 training questions hold them all, so the
    # by-length row of 1 digit has no test question left (None), not a score on seen ones.
    assert by_length["1"] is None and "no question left" in next(
        t for t in tables if "test questions" in t and "digits in each operand" in t
    )
    # The headline is the test score: recompute it here from a model trained the same way.
    from helpers.string_addition import seq2seq

    model, history = seq2seq.train_adder(3, seed=0, n_questions=SMALL["N_QUESTIONS"], epochs=SMALL["EPOCHS"], verbose=0)
    train, validation = seq2seq.adder_questions(3, 0, n_questions=SMALL["N_QUESTIONS"])
    test = seq2seq.test_questions([train, validation], 5_000, seed=0)
    seen = {tuple(sorted(map(int, q.split("+")))) for q in train.questions + validation.questions}
    assert not seen & {tuple(sorted(map(int, q.split("+")))) for q in test.questions}
    answers = seq2seq.add(model, test.questions, 3)
    assert values["s2s_exact"] == pytest.approx(sum(a == t for a, t in zip(answers, test.answers)) / len(test))
    assert values["s2s_val_exact"] == pytest.approx(history.history["val_exact"][-1])
    # Claims: each verdict follows from its numbers, checked with the test's own rules.
    example = record["example_right"]["values"]
    right = str(sum(map(int, example["question"].split("+"))))
    assert example["answer"] == seq2seq.add(model, [example["question"]], 3)[0]
    assert record["example_right"]["holds"] == (example["answer"] == right)
    assert reversal["on"] == pytest.approx(values["s2s_exact"])
    assert record["reversal_helps"]["holds"] == (reversal["on"] > reversal["off"])
    assert limit["unseen"] == max(v for d, v in by_length.items() if int(d) > 3)
    assert record["limit"]["holds"] == (limit["seen"] >= 0.5 and limit["unseen"] < limit["seen"] / 2)
    assert record["carry_only"]["holds"] == (carry["kept"] >= 0.99 and carry["carrying"] <= 0.05)
    # The aligned adder, trained on 8 digits, adds 100- and 1,000-digit numbers.
    assert values["long_exact_100"] >= 0.999 and values["long_exact_1000"] >= 0.999
    assert record["long_edges"]["holds"] and record["carry_only"]["holds"]
    # Every claim's sentence is on the page, and no sentinel or raw glue name is.
    page = shown_text(notebook)
    for claim in record.values():
        assert claim["text"] in page
    assert "-1.00" not in page and "{glue:text}`claim_" not in page
    images = sum("image/png" in o.get("data", {}) for c in notebook.cells for o in c.get("outputs", []))
    assert images >= 5  # two learning-curve figures, carry trace, projection, answers
    # The browser app's element is there, with both models.
    html = [o["data"].get("text/html", "") for c in notebook.cells for o in c.get("outputs", []) if "data" in o]
    assert any('data-app="adders"' in h for h in html)
    # Training progress: one block per run that reports (the LSTM and the aligned adder),
    # each one output updated in place; only the imports cell (remove-stderr) writes to stderr.
    outputs = [(c, o) for c in notebook.cells for o in c.get("outputs", [])]
    progress = [
        o["data"]["text/plain"]
        for _, o in outputs
        if o.get("output_type") == "display_data" and o["data"].get("text/plain", "").startswith("epoch ")
    ]
    assert len(progress) == 2
    assert not [
        c.source[:40]
        for c, o in outputs
        if o.get("name") == "stderr" and "remove-stderr" not in c.metadata.get("tags", [])
    ]


@pytest.mark.notebook
def test_chapter_3_says_so_when_its_claims_fail(tmp_path):
    """One epoch on few questions: the LSTM cannot reach 99%, the claim says it did not, and
    no sentinel (-1) reaches the page."""
    from conftest import execute_notebook

    parameters = {**SMALL, "N_QUESTIONS": 3_000, "EPOCHS": 1, "REVERSE_OFF_EPOCHS": 1}
    parameters.update(LONG_SETTINGS={"epochs": 1, "n_train": 2_000}, N_TEST_100=20, N_TEST_1000=5)
    notebook = execute_notebook(NAME, tmp_path, **parameters)
    record = claims(notebook)
    assert not record["s2s_99"]["holds"]
    assert record["s2s_99"]["values"]["epochs"] is None
    page = shown_text(notebook)
    assert "never reached 99%" in page and "-1.00" not in page
    failed = [claim_id for claim_id, claim in record.items() if not claim["holds"]]
    last = notebook.cells[-1].outputs
    assert any(", ".join(failed) in output.get("text", "") for output in last)
