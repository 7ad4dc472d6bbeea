"""Chapters 1 and 2: tiny networks that learn (or fail) to add two integers.

The entry points readers and the chapters use are importable from here::

    from helpers import addition
    x, y = addition.make_pairs(10_000, bits=8)
    result = addition.train_grid(hidden_units=(1, 2, 16), bits=(4, 8, 16))
    model = addition.train_best(bits=16)          # chapter 2's network that adds
    addition.evaluate(model, bits=16)

Modules, one per concern:

- ``networks``: the pairs, the original MLP, training a grid of them, scoring (chapter 1).
- ``observations``: chapter 1's tables and the check of the blog's five observations.
- ``figures``: chapter 1's error surfaces and loss curves.
- ``explorer``: chapter 1's live explorer: ipywidgets for JupyterLab, and the static page's in-browser
  trainer app (``book/_static/explorer_app.js``, ``addition_trainer.js``) with its check file.
- ``inspection``: what the hidden layer computes (chapter 2).
- ``fixes``: the step-by-step fixes that make the networks add, and ``train_best`` (chapter 2).
- ``activation_explorer``: chapter 2's activation explorer: the browser app's data and the widget.
- ``results``: chapter 2's results as small objects, the numbers its prose and claims are written from.
- ``binary_readout``: can a sigmoid layer carry a binary code? (chapter 2).
- ``tables``: the chapters' tables for display: headers in words, no raw index, long ones collapsed.
"""

from helpers.addition.fixes import train_best
from helpers.addition.networks import (
    EVAL_SEED,
    MAX_BITS,
    GridResult,
    RunSettings,
    TrainSettings,
    build_mlp,
    check_pairs,
    error_by_sum,
    error_surface,
    evaluate,
    glorot_limit,
    grid_pairs,
    hidden_outputs,
    initial_weights,
    make_pairs,
    max_sum,
    network_seed,
    predict_sums,
    score,
    train_grid,
    trivial_adder,
)

__all__ = [
    "EVAL_SEED",
    "MAX_BITS",
    "GridResult",
    "RunSettings",
    "TrainSettings",
    "build_mlp",
    "check_pairs",
    "error_by_sum",
    "error_surface",
    "evaluate",
    "glorot_limit",
    "grid_pairs",
    "hidden_outputs",
    "initial_weights",
    "make_pairs",
    "max_sum",
    "network_seed",
    "predict_sums",
    "score",
    "train_best",
    "train_grid",
    "trivial_adder",
]
