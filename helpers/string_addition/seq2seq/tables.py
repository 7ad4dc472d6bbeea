"""The chapter's tables: the results table by number of digits, and exact-match by operand length."""

from __future__ import annotations

from typing import Any

import numpy as np

from helpers.string_addition.seq2seq.data import EXAMPLE_SIZES, Questions, questions_of_length
from helpers.string_addition.seq2seq.model import add
from helpers.string_addition.seq2seq.settings import ORIGINAL
from helpers.string_addition.seq2seq.training import N_TEST, test_scores, train_adder


def exact_by_length(
    model: Any,
    digits: int,
    lengths: list[int],
    n: int = 500,
    reverse: bool = True,
    seed: int = 0,
    seen: list[Questions] | None = None,
) -> dict[int, dict[str, Any]]:
    """Exact-match on up to ``n`` questions whose operands have exactly each of ``lengths``
    digits, leaving out those in ``seen`` (the training and validation questions), so every
    row is a test: ``{length: {"exact": share right or None if no question is left, "questions": count}}``."""
    scores = {}
    for length in lengths:
        questions, answers = questions_of_length(n, length, seed, seen)
        exact = None
        if questions:
            guesses = add(model, questions, digits, reverse)
            exact = float(np.mean([g == a for g, a in zip(guesses, answers, strict=True)]))
        scores[int(length)] = {"exact": exact, "questions": len(questions)}
    return scores


#: The recipe of the table's runs of a fixed length (2, 4 and 5 digits in the "book" preset):
#: Adam at batch 120, 15 batches per call, the trapezoid schedule over all their epochs: the
#: recipe their figures in the chapter were measured with. The adaptive schedule was fitted
#: to the 3-digit run, which leaves its plateau well within its epochs; it was not tried on
#: the 4- and 5-digit runs, which get fewer epochs than they need.
FIXED_LENGTH_RECIPE: dict[str, Any] = {
    "optimizer": "adam",
    "batch_size": 120,
    "steps_per_execution": 15,
    "learning_rate": 0.02,
    "schedule": "trapezoid",
    "close_checks_from": None,
}

#: Named sets of runs for the results table, ``{digits: settings for train_adder}``.
#: "book": sizes that fit the chapter's budget (150 s in all); the 3-digit run is the
#: chapter's main run (the book's configuration), the others ``FIXED_LENGTH_RECIPE``.
#: "example_sizes": the fast configuration on the example's numbers of questions.
#: "original": the example's sizes *and* settings (batch 32, 30 epochs): hours on 2 cores.
TABLE_PRESETS: dict[str, dict[int, dict[str, Any]]] = {
    "book": {
        2: {**FIXED_LENGTH_RECIPE, "n_questions": 5_000, "batch_size": 100, "epochs": 25},
        3: {"n_questions": 50_000},
        4: {**FIXED_LENGTH_RECIPE, "n_questions": 90_000, "epochs": 4},
        5: {**FIXED_LENGTH_RECIPE, "n_questions": 90_000, "epochs": 3},
    },
    "example_sizes": {d: {"n_questions": n} for d, n in EXAMPLE_SIZES.items()},
    "original": {d: {"n_questions": n, **ORIGINAL} for d, n in EXAMPLE_SIZES.items()},
}


def table_row(history: Any, test: dict[str, Any]) -> dict[str, Any]:
    """One row of the results table from a ``train_adder`` history and its ``test_scores``."""
    values, params = history.history, history.params
    return {
        "digits": params["digits"],
        "questions": params["n_train"] + params["n_validation"],
        "test_questions": test["n"],
        "batch": params["settings"]["batch_size"],
        "epochs": round(values["epoch"][-1], 2),
        "seconds": round(values["seconds"][-1], 1),
        "char_accuracy": test["characters"],
        "exact_match": test["exact"],
    }


#: Worded headers for the results table's columns, in reading order.
TABLE_HEADERS = {
    "digits": "digits",
    "questions": "questions (training and validation)",
    "test_questions": "test questions",
    "batch": "batch size",
    "epochs": "epochs",
    "seconds": "training seconds",
    "char_accuracy": "characters right (test)",
    "exact_match": "answers right (test)",
}


def readable_table(table: Any) -> Any:
    """``results_table``'s DataFrame for reading: worded headers, formatted numbers, no index
    (a pandas ``Styler``); the accuracies are on the test questions."""
    headers = TABLE_HEADERS
    shown = table[list(headers)].rename(columns=headers)
    share = lambda value: "no question left" if value is None or value != value else f"{value:.1%}"  # noqa: E731
    return shown.style.format(
        {
            headers["questions"]: "{:,}",
            headers["test_questions"]: "{:,}",
            headers["epochs"]: "{:g}",
            headers["seconds"]: "{:.0f}",
            headers["char_accuracy"]: share,
            headers["exact_match"]: share,
        }
    ).hide(axis="index")


def results_table(
    runs: dict[int, dict[str, Any]],
    seed: int = 0,
    done: dict[int, tuple[Any, Any]] | None = None,
    n_test: int = N_TEST,
    **common: Any,
) -> tuple[Any, dict[int, Any]]:
    """Train one adder per entry of ``runs`` (``{digits: settings}``), test and tabulate them.

    Args:
        runs: settings per number of digits, e.g. ``TABLE_PRESETS["book"]``.
        seed: the seed of every run.
        done: ``(model, history)`` of runs already trained, by digits (not trained again).
        n_test: test questions per run (fewer where fewer are left, see ``test_questions``).
        **common: settings added to every run (e.g. ``verbose=0``).

    Returns:
        A pandas DataFrame (one row per digits: questions, test questions, batch size,
        epochs, seconds, per-character accuracy and exact-match on the test questions) and
        the ``(model, history)`` pairs by digits.
    """
    import pandas as pd

    runs_done = dict(done or {})
    for digits, settings in runs.items():
        if digits not in runs_done:
            runs_done[digits] = train_adder(digits, seed=seed, **{**settings, **common})
    rows = [
        table_row(history, test_scores(model, history, n_test))
        for model, history in (runs_done[d] for d in sorted(runs_done))
    ]
    return pd.DataFrame(rows), runs_done
