"""Chapter 1's tables: the results grid, the blog's five observations, the lucky runs.

Every verdict here is computed from a results table (``GridResult.table``), with the rule
it applies written next to it, so a reader can disagree with the rule, not with a number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: A network "adds" when at least this fraction of fresh pairs come out exactly right.
ADDS = 0.95
#: "Poor" and "abysmal", made concrete.
POOR = 0.5
ABYSMAL = 0.01


def results_table(table: pd.DataFrame) -> pd.DataFrame:
    """Accuracy as "mean ± std (min-max)" per hidden units (rows) and maximum sum (columns)."""
    def cell(values: pd.Series) -> str:
        if len(values) == 1:
            return f"{values.iloc[0]:.1%}"
        return f"{values.mean():.1%} ± {values.std():.1%} ({values.min():.0%}–{values.max():.0%})"

    pivot = table.pivot_table(index="hidden_units", columns="max_sum", values="accuracy", aggfunc=cell)
    pivot.index.name, pivot.columns.name = "hidden units", "maximum sum"
    return pivot


def mse_table(table: pd.DataFrame) -> pd.DataFrame:
    """Mean squared error (mean over seeds, 3 significant digits) per hidden units and maximum sum."""
    pivot = table.pivot_table(index="hidden_units", columns="max_sum", values="mse", aggfunc="mean")
    pivot = pivot.map(lambda value: f"{value:.3g}")
    pivot.index.name, pivot.columns.name = "hidden units", "maximum sum"
    return pivot


def check_observations(table: pd.DataFrame) -> pd.DataFrame:
    """Check the original blog post's five observations against a results table.

    Returns one row per observation: the claim, the rule used to test it, what we measured,
    and a verdict (``agree``, ``partly`` or ``disagree``).
    """
    rows = []
    by_sum = {value: group for value, group in table.groupby("max_sum")}
    sums = sorted(by_sum)
    smallest, middle, largest = sums[0], sums[len(sums) // 2], sums[-1]

    ones = table[table.hidden_units == 1]
    best_one = ones.accuracy.max() if len(ones) else np.nan
    rows.append(_row(
        "a", "The 1-node network cannot add.",
        f"every 1-node run gets under {POOR:.0%} right",
        f"best 1-node run: {best_one:.1%}",
        "agree" if best_one < POOR else "disagree"))

    small = by_sum[smallest]
    wide = small[small.hidden_units >= 2]
    adders = (wide.accuracy >= ADDS).mean() if len(wide) else np.nan
    per_width = ", ".join(f"{h}: {(g.accuracy >= ADDS).sum()}/{len(g)}" for h, g in wide.groupby("hidden_units"))
    rows.append(_row(
        "b", f"2 or more hidden nodes reach high accuracy for sums up to {smallest}.",
        f"runs with at least {ADDS:.0%} right (per hidden size: runs that add / runs)",
        f"{adders:.0%} of runs ({per_width})",
        "agree" if adders == 1 else ("partly" if adders >= 0.5 else "disagree")))

    best_middle = by_sum[middle].accuracy.max()
    rows.append(_row(
        "c", f"All networks are poor for sums up to {middle}.",
        f"no run gets {POOR:.0%} right",
        f"best run: {best_middle:.1%}",
        "agree" if best_middle < POOR else "disagree"))

    best_largest = by_sum[largest].accuracy.max()
    rows.append(_row(
        "d", f"All networks are abysmal for sums up to {largest}.",
        f"no run gets {ABYSMAL:.0%} right",
        f"best run: {best_largest:.2%}",
        "agree" if best_largest < ABYSMAL else "disagree"))

    steps = improved = 0
    for value in sums:
        mean_mse = table[table.max_sum == value].groupby("hidden_units").mse.mean().sort_index()
        for narrow, wider in zip(mean_mse.values[:-1], mean_mse.values[1:]):
            steps += 1
            improved += bool(wider < narrow)
    share = improved / steps if steps else np.nan
    rows.append(_row(
        "e", "More hidden nodes help most of the time.",
        "doubling the hidden layer lowers the mean MSE (over seeds)",
        f"{improved} of {steps} doublings lower it",
        "agree" if share > 0.5 else "disagree"))
    return pd.DataFrame(rows).set_index("observation")


def _row(key: str, claim: str, rule: str, measured: str, verdict: str) -> dict[str, str]:
    return {"observation": key, "the blog says": claim, "our rule": rule, "we measured": measured,
            "verdict": verdict}


def lucky_runs(table: pd.DataFrame, histories: dict, hidden_units: int, bits: int,
               max_epochs: int) -> pd.DataFrame:
    """One row per seed of one network shape: epochs, accuracy, how training ended.

    A run "ended by early stopping" well before the epoch limit with a poor accuracy is one
    that stopped on a plateau of the validation loss, not at the end of learning.
    """
    rows = []
    subset = table[(table.hidden_units == hidden_units) & (table.bits == bits)].sort_values("seed")
    for row in subset.itertuples():
        val_loss = np.asarray(histories[(hidden_units, bits, row.seed)]["val_loss"])
        best = int(np.argmin(val_loss))
        stopped = row.epochs < max_epochs
        rows.append({
            "seed": row.seed, "epochs": row.epochs, "accuracy": row.accuracy,
            "ended by": "early stopping" if stopped else "epoch limit",
            "best epoch": best + 1,
            "val loss at best": float(val_loss[best]),
        })
    return pd.DataFrame(rows).set_index("seed")


def output_weight_signs(models: dict, table: pd.DataFrame, hidden_units: int, bits: int) -> pd.DataFrame:
    """For each seed of one network shape: its starting and final output weights, and its accuracy.

    Without biases every hidden unit outputs exactly 1/2 for the pair (0, 0), so the network
    answers ``0 + 0`` with half the sum of its output weights. Only a network with a negative
    output weight can make that sum (nearly) zero, and with all output weights positive the
    prediction can only range over a factor of two: from half their sum to their sum.
    """
    from helpers.addition import initial_weights

    rows = []
    subset = table[(table.hidden_units == hidden_units) & (table.bits == bits)].sort_values("seed")
    for row in subset.itertuples():
        start = initial_weights(hidden_units, bits, row.seed)[1].ravel()
        final = models[(hidden_units, bits, row.seed)].get_weights()[-1].ravel()
        rows.append({
            "seed": row.seed,
            "start: sum of output weights": float(start.sum()),
            "final output weights": ", ".join(f"{w:.1f}" for w in final),
            "final: a negative output weight": bool((final < 0).any()),
            "accuracy": row.accuracy,
            "epochs": row.epochs,
        })
    return pd.DataFrame(rows).set_index("seed")
