"""Chapters 1 and 2's tables as a reader sees them: headers in words, no raw index, numbers formatted.

The data functions (``observations``, ``inspection``, ``fixes``) return plain DataFrames with
the column names the chapters compute with (``hidden_units``, ``max_error``); the functions
here turn them into pandas ``Styler`` objects for display, which JupyterLab, Colab and the
static book all render as HTML tables. Each fits the book's content column. A long table is
shown as a summary, with the full table under it behind a toggle (``collapsed``), so the page
does not scroll for screens past rows most readers skip.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from IPython.display import HTML
from pandas.io.formats.style import Styler

from helpers.addition.observations import ADDS


def view(
    table: pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    formats: Mapping[str, str | Callable[[Any], str]] | None = None,
    index: bool = False,
    caption: str | None = None,
) -> Styler:
    """``table`` for display: ``columns`` renamed (and kept, in that order), ``formats`` applied.

    ``columns`` maps the table's column names to headers in words; when given, only those
    columns are shown. ``formats`` maps *new* headers to format strings or functions. The
    index is hidden unless ``index`` (then it is shown with its name as the header).
    """
    if columns is not None:
        missing = [name for name in columns if name not in table.columns]
        if missing:
            raise ValueError(f"columns {missing} are not in the table; it has {list(table.columns)}")
        table = table[list(columns)].rename(columns=dict(columns))
    styler = table.style.format(dict(formats or {}), na_rep="–")
    if not index:
        styler = styler.hide(axis="index")
    if caption:
        styler = styler.set_caption(caption)
    return styler


def collapsed(table: Styler | pd.DataFrame, summary: str) -> HTML:
    """``table`` inside a closed ``<details>`` element whose toggle reads ``summary``.

    Works wherever HTML output does (JupyterLab, Colab, the static book); styled by the
    book's ``twoplustwo.css`` (class ``twoplustwo-collapsed``).
    """
    body = table.to_html() if isinstance(table, (Styler, pd.DataFrame)) else str(table)
    return HTML(f'<details class="twoplustwo-collapsed"><summary>{html.escape(summary)}</summary>\n{body}\n</details>')


def numbers(values: object, digits: int = 1) -> str:
    """A list of numbers as text, ``"21.4, −22.2"``: a table cell, not a Python list."""
    return ", ".join(f"{value:.{digits}f}".replace("-", "−") for value in np.asarray(values, float).ravel())


def yes_no(value: object) -> str:
    return "yes" if bool(value) else "no"


# --------------------------------------------------------------------------- chapter 1


def pairs_table(pairs: np.ndarray, sums: np.ndarray) -> Styler:
    """A few training pairs and their sums."""
    return view(pd.DataFrame({"a": pairs[:, 0], "b": pairs[:, 1], "a + b": sums}))


def comparison_table(comparison: pd.DataFrame) -> Styler:
    """``observations.patience_comparison``: one header per run over its epochs and accuracy."""
    table = comparison.copy()
    pairs = [column.split(" (", 1) for column in table.columns]
    table.columns = pd.MultiIndex.from_tuples([(label.removesuffix(")"), what) for what, label in pairs])
    accuracy = [column for column in table.columns if column[1] == "accuracy"]
    return table.style.format({column: "{:.1%}" for column in accuracy})


def signs_table(signs: pd.DataFrame) -> Styler:
    """``observations.output_weight_signs`` with yes/no and signed numbers."""
    table = signs.copy()
    table["final: a negative output weight"] = table["final: a negative output weight"].map(yes_no)
    return table.style.format(
        {"accuracy": "{:.1%}", "start: sum of output weights": lambda value: f"{value:+.2f}".replace("-", "−")}
    )


def luck_counts_table(counts: pd.DataFrame) -> Styler:
    """``observations.luck_by_start``'s cross-table with its headers in words."""
    words = {False: "did not learn to add", True: "learned to add", "All": "all runs"}
    table = counts.rename(columns=words, index={"All": "all runs"})
    table.columns.name = None
    table.index.name = "starting sum of output weights"
    return view(table, index=True)


def saturation_view(saturated: pd.DataFrame) -> Styler:
    """``observations.saturation_table`` narrowed to fit the column.

    The units stuck on and off share a column; the mean sum, the same for every row, goes
    into the caption.
    """
    table = saturated.reset_index()
    on_off = zip(table["units always on"], table["units always off"], strict=True)
    table["stuck"] = [f"{on} / {off}" for on, off in on_off]
    caption = f"Mean sum of the evaluation pairs: {saturated['mean sum'].iloc[0]:,.0f}"
    return view(
        table,
        {
            "hidden units": "hidden units",
            "epochs": "epochs",
            "stuck": "units stuck on / off",
            "output weight of an 'on' unit": "output weight of an 'on' unit",
            "Adam's reach": "Adam's reach",
            "distinct predictions": "distinct predictions",
            "prediction": "mean prediction",
        },
        formats={"output weight of an 'on' unit": "{:,.0f}", "Adam's reach": "{:,.0f}", "mean prediction": "{:,.0f}"},
        caption=caption,
    )


# --------------------------------------------------------------------------- chapter 2


def binary_hypothesis_table(hypothesis: pd.DataFrame) -> Styler:
    """``inspection.binary_hypothesis``: the best single sigmoid unit per binary digit."""
    table = hypothesis.copy()
    positions = table["bit"].str.removeprefix("bit").astype(int)
    names = {positions.max(): "high", 0: "low"}
    table["digit"] = positions.map(lambda position: names.get(position, str(position)))
    table["target"] = table["target"].map(lambda target: ", ".join(map(str, target)))
    for column in ("bias", "monotone", "reachable"):
        table[column] = table[column].map(yes_no)
    x = ", ".join(str(value) for value in range(len(hypothesis["target"].iloc[0])))
    return view(
        table,
        {
            "digit": "bit",
            "target": f"target for x = {x}",
            "monotone": "one step?",
            "bias": "bias",
            "w": "best w",
            "b": "best b",
            "max_error": "worst error",
            "reachable": "below 0.05?",
        },
        formats={"best w": "{:.2f}", "best b": "{:.2f}", "worst error": "{:.2g}"},
    )


def forward_steps_table(steps: pd.DataFrame) -> Styler:
    """``inspection.forward_steps``: one row per hidden unit, from its inputs to its share of the output."""
    table = steps.reset_index()
    return view(
        table,
        {
            "unit": "unit",
            "w_a": "weight on a",
            "w_b": "weight on b",
            "z": "input z",
            "h": "output h = S(z)",
            "v": "output weight v",
            "v_h": "v · h",
        },
        formats={
            name: "{:.3f}"
            for name in ("weight on a", "weight on b", "input z", "output h = S(z)", "output weight v", "v · h")
        },
    )


def weight_survey_summary(survey: pd.DataFrame) -> Styler:
    """One row per width of ``inspection.output_weight_survey`` (merged with the accuracy)."""
    rows = []
    for units, group in survey.groupby("hidden_units"):
        adds = group.accuracy >= ADDS
        best = group.loc[group.accuracy.idxmax()]
        rows.append(
            {
                "hidden units": units,
                "networks": len(group),
                "add": int(adds.sum()),
                "blog's pattern": int(group.pattern.sum()),
                "a negative output weight": int((group.negative >= 1).sum()),
                "best network's output weights": f"{numbers(best.output_weights)} (seed {best.seed})",
            }
        )
    caption = (
        f"How many networks of each width add (at least {ADDS:.0%} right), show the blog's pattern "
        "(one negative output weight, larger than every positive one) and have any negative output weight"
    )
    return view(pd.DataFrame(rows), caption=caption)


def weight_survey_table(survey: pd.DataFrame, a: int = 2, b: int = 2) -> Styler:
    """Every network of ``inspection.output_weight_survey``, one row each, lists as text."""
    table = survey.copy()
    table["weights"] = table["output_weights"].map(numbers)
    table["hidden"] = table[f"h({a}+{b})"].map(lambda values: numbers(values, 2))
    table["pattern"] = table["pattern"].map(yes_no)
    return view(
        table,
        {
            "hidden_units": "hidden units",
            "seed": "seed",
            "weights": "output weights",
            "hidden": f"h for {a} + {b}",
            "prediction": f"output for {a} + {b}",
            "pattern": "blog's pattern",
            "accuracy": "accuracy",
        },
        formats={f"output for {a} + {b}": "{:.2f}", "accuracy": "{:.1%}"},
    )


#: The derivation's checked quantities, in words, in the order the prose reads them.
DERIVATION_ROWS = {
    "flipped_units": "units flipped (pointing down)",
    "constant": "C, the flipped units' output weights",
    "sum_u_half": "½ Σ u, what C must cancel",
    "zero_plus_zero": "output for 0 + 0 (½ Σ v)",
    "intercept": "intercept C + ½ Σ u",
    "slope_a": "slope for a",
    "slope_b": "slope for b",
    "largest_input": "largest unit input |w · (a, b)|",
    "same_sum_spread": "output spread among equal sums",
    "rewrite_error": "worst error: rewrite with flipped units",
    "linear_error": "worst error: straight part",
    "cubic_error": "worst error: with the cubic bend",
}


def derivation_table(checks: Mapping[str, Mapping[str, Any]]) -> Styler:
    """``inspection.derivation`` of several networks: one row per quantity, one column per network."""
    table = pd.DataFrame(
        {label: {words: check[key] for key, words in DERIVATION_ROWS.items()} for label, check in checks.items()}
    )

    def number(value: Any) -> str:
        return f"{value:d}" if isinstance(value, (int, np.integer)) else f"{value:.3g}".replace("-", "−")

    return table.style.format(number)


def saturation_by_sum_table(saturation: pd.DataFrame) -> Styler:
    """Chapter 2's saturation per maximum sum (columns ``max_sum``, ``saturated``, ``gradient``, ...)."""
    return view(
        saturation,
        {
            "max_sum": "maximum sum",
            "saturated": "outputs within 0.01 of 0 or 1",
            "gradient": "mean S′(z)",
            "accuracy": "accuracy",
            "epochs": "epochs",
        },
        formats={
            "maximum sum": "{:,}",
            "outputs within 0.01 of 0 or 1": "{:.1%}",
            "mean S′(z)": "{:.2g}",
            "accuracy": "{:.1%}",
        },
    )


def relu_kinks_table(kinks: pd.DataFrame) -> Styler:
    """``inspection.relu_switches`` summed per step: where the ReLU units switch."""
    table = kinks.reset_index()
    return view(
        table,
        {
            "step": "step",
            "units": "units",
            "on_everywhere": "on everywhere",
            "switch_inside": "switch inside the range",
            "off_everywhere": "off everywhere",
        },
    )


def push_summary_table(summary: pd.DataFrame) -> Styler:
    """``fixes.sigmoid_push``'s accuracy per width and stage (grouped: ``hidden_units``, ``stage``)."""
    table = summary.reset_index()
    return view(
        table,
        {
            "hidden_units": "hidden units",
            "stage": "stage",
            "accuracy": "mean accuracy",
            "worst_seed": "worst seed",
            "worst_error": "worst error",
        },
        formats={"mean accuracy": "{:.2%}", "worst seed": "{:.2%}", "worst error": "{:.3f}"},
    )


def push_diagnostics_table(diagnostics: pd.DataFrame) -> Styler:
    """``fixes.sigmoid_push``'s diagnostics per width (condition number, weights, float32 noise)."""
    table = diagnostics.reset_index()
    return view(
        table,
        {
            "hidden_units": "hidden units",
            "condition": "condition number (median)",
            "max_weight": "largest output weight",
            "float32_noise": "float32 rounding noise",
        },
        formats={
            "condition number (median)": "{:.3g}",
            "largest output weight": "{:.3g}",
            "float32 rounding noise": "{:.3g}",
        },
    )


def extrapolation_table(beyond: pd.DataFrame) -> Styler:
    """``inspection.extrapolation``: one row per network, accuracy per factor and maximum training sum."""
    factors = [column for column in beyond.columns if column.startswith("up to")]
    table = beyond.pivot(index="network", columns="max_sum", values=factors).loc[list(dict.fromkeys(beyond.network))]
    table.columns = [f"{factor}, sums < {max_sum:,}" for factor, max_sum in table.columns]
    return table.style.format("{:.1%}", na_rep="–")


def readout_table(readout: pd.DataFrame) -> Styler:
    """``binary_readout.binary_readout_table`` without its index, percentages formatted."""
    table = readout.copy()
    table["asked for digits"] = table["asked for digits"].map(yes_no)
    percent = [column for column in table.columns if column.startswith("digit") or column.startswith("sum")]
    return view(table, {column: column for column in table.columns}, formats={column: "{:.0%}" for column in percent})
