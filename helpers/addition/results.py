"""Chapter 2's results as small objects: the numbers its prose and claims are written from.

Each function takes what an experiment returned (``train_grid``, ``fixes.train_recipes``,
``fixes.sigmoid_push``, ...) and returns the tables the chapter shows and the few numbers it
quotes, so that the chapter's cells stay one call long. Nothing here trains a network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from helpers.addition import inspection
from helpers.addition.networks import EVAL_SEED, RunSettings, make_pairs

#: Accuracy at which a network "adds" in the weights survey (chapter 1's threshold).
ADDS = 0.95
#: Short names of the step-by-step fixes, as the chapter's prose refers to them.
SHORT_NAMES = {
    "original": "original",
    "scaled": "scaled",
    "scaled + bias": "bias",
    "scaled + bias + schedule": "schedule",
    "relu": "relu0",
    "relu, biases from 1": "relu",
    "linear unit": "linear",
}
EXACT32, EXACT64 = "exact readout, float32", "exact readout, float64 arithmetic"


def best_seed(table: pd.DataFrame, units: int) -> int:
    """The seed whose network of ``units`` hidden units scored best (ties: the lowest seed)."""
    rows = table[table.hidden_units == units].sort_values(["accuracy", "seed"], ascending=[False, True])
    if rows.empty:
        raise ValueError(f"table holds no network with {units} hidden units")
    return int(rows.seed.iloc[0])


# --------------------------------------------------------------------------- clean test data


@dataclass
class DataSplit:
    """Which pairs steered training and which pairs scored it, for one maximum sum per row.

    ``table`` columns: ``max_sum``, ``training`` and ``validation`` (pairs per network),
    ``scoring`` (fresh pairs per network), ``overlap`` (share of the scoring pairs that also
    occur among that seed's training or validation pairs: unavoidable where there are few
    distinct pairs), ``seeds_disjoint`` (the scoring pairs' seeds are none of the training
    seeds).
    """

    table: pd.DataFrame
    settings: RunSettings = field(default_factory=RunSettings)

    @property
    def disjoint(self) -> bool:
        return bool(self.table.seeds_disjoint.all())


def data_split(bits: tuple[int, ...], seeds: tuple[int, ...], n_train: int, n_eval: int) -> DataSplit:
    """How the chapter's data is split: early stopping on the validation part, scores on fresh pairs."""
    settings = RunSettings(n_train=n_train, n_eval=n_eval).checked()
    rows = []
    seeds = tuple(dict.fromkeys(seeds))
    for b in bits:
        shares = []
        for seed in seeds:
            # A pair (a, b) as one integer a * 2**bits + b: set membership in NumPy.
            train = make_pairs(n_train, b, seed)[0].astype(np.int64) @ [1 << b, 1]
            scoring = make_pairs(n_eval, b, EVAL_SEED + seed)[0].astype(np.int64) @ [1 << b, 1]
            shares.append(float(np.isin(scoring, train).mean()))
        rows.append(
            {
                "max_sum": 2**b,
                "training": settings.n_fit,
                "validation": n_train - settings.n_fit,
                "scoring": n_eval,
                "overlap": float(np.mean(shares)),
                "seeds_disjoint": not {EVAL_SEED + s for s in seeds} & set(seeds),
            }
        )
    return DataSplit(pd.DataFrame(rows), settings)


# --------------------------------------------------------------------------- 3. the weights survey


@dataclass
class Survey:
    """The output weights of every surveyed network and how they relate to adding."""

    table: pd.DataFrame  #: one row per network (``inspection.output_weight_survey`` + accuracy)
    pattern_rate: dict[int, float]  #: share of seeds with the blog's exact pattern, per width
    adders: int  #: networks that add (at least ``ADDS`` right)
    networks: int
    adders_with_negative: float  #: share of the adders with at least one negative output weight
    failures_without_negative: float | None  #: share of the failures with none (None: no failure)


def weights_survey(grid: Any, units: tuple[int, ...], bits: int) -> Survey:
    """``inspection.output_weight_survey`` of a ``train_grid`` result, joined with accuracy."""
    table = inspection.output_weight_survey(grid.models, units, bits=bits)
    shape = ["hidden_units", "seed"]
    table = table.merge(grid.table[[*shape, "accuracy"]], on=shape)
    adds = table.accuracy >= ADDS
    adders, failures = table[adds], table[~adds]
    rate = table.groupby("hidden_units").pattern.mean()
    return Survey(
        table=table,
        pattern_rate={int(k): float(v) for k, v in rate.items()},
        adders=int(adds.sum()),
        networks=len(table),
        adders_with_negative=float((adders.negative >= 1).mean()) if len(adders) else 0.0,
        failures_without_negative=float((failures.negative == 0).mean()) if len(failures) else None,
    )


@dataclass
class Derivation:
    """``inspection.derivation`` for the best network of each width and the worst failure."""

    checks: dict[str, dict]  #: by label ("4 units, seed 3"; a failure's label ends "(fails)")
    failed: str | None  #: the failure's label, None when every network adds
    rewrite_error: float  #: the rewrite's largest difference from any of these networks
    max_intercept: float  #: the largest |output for 0 + 0| among the adders

    @property
    def first(self) -> dict:
        return self.checks[next(iter(self.checks))]


def derivations(grid: Any, survey: Survey, units: tuple[int, ...], bits: int) -> Derivation:
    chosen = {
        f"{h} units, seed {best_seed(grid.table, h)}": grid.models[(h, bits, best_seed(grid.table, h))] for h in units
    }
    failures = survey.table[survey.table.accuracy < ADDS]
    failed = None
    if len(failures):
        worst = failures.sort_values("accuracy").iloc[0]
        h, seed = int(worst.hidden_units), int(worst.seed)
        failed = f"{h} units, seed {seed} (fails)"
        chosen[failed] = grid.models[(h, bits, seed)]
    checks = {label: inspection.derivation(model, bits) for label, model in chosen.items()}
    return Derivation(
        checks=checks,
        failed=failed,
        rewrite_error=max(float(check["rewrite_error"]) for check in checks.values()),
        max_intercept=max(abs(float(check["intercept"])) for label, check in checks.items() if label != failed),
    )


def saturation_table(maps: Any, units: int, bits: tuple[int, ...], seed: int) -> pd.DataFrame:
    """Saturation, gradient factor, accuracy and epochs of the ``units``-unit network per maximum sum."""
    by_bits = maps.table.set_index("bits")
    return pd.DataFrame(
        [
            {
                "max_sum": 2**b,
                **inspection.saturation(maps.models[(units, b, seed)], b),
                "accuracy": by_bits.accuracy[b],
                "epochs": by_bits.epochs[b],
            }
            for b in bits
        ]
    )


# --------------------------------------------------------------------------- 7. the fixes


@dataclass
class Steps:
    """The step-by-step fixes: mean and worst accuracy per step and maximum sum, and ReLU kinks."""

    accuracy: pd.DataFrame  #: mean over seeds; rows: steps in order, columns: maximum sums
    worst: pd.DataFrame  #: the worst seed, same shape
    kinks: pd.DataFrame  #: per ReLU step, summed over seeds: units, on/switching/off inside the range
    table: pd.DataFrame  #: what the page shows: "mean (worst ...)" per cell

    def value(self, short: str, max_sum: int, worst: bool = False) -> float:
        """Accuracy of a step by its short name (``SHORT_NAMES``), e.g. ``value("relu", 65536)``."""
        step = {name: step for step, name in SHORT_NAMES.items()}[short]
        return float((self.worst if worst else self.accuracy).loc[step, max_sum])

    def numbers(self) -> dict[str, float]:
        """``{short}_{max_sum}`` and ``{short}_worst_{max_sum}`` for every step and maximum sum."""
        values = {}
        for step, short in SHORT_NAMES.items():
            if step not in self.accuracy.index:
                continue
            for max_sum in self.accuracy.columns:
                values[f"{short}_{max_sum}"] = float(self.accuracy.loc[step, max_sum])
                values[f"{short}_worst_{max_sum}"] = float(self.worst.loc[step, max_sum])
        return values


def steps_summary(runs: Any, bits: int, seeds: tuple[int, ...]) -> Steps:
    """``fixes.train_recipes``' result summarised; ``bits`` is the maximum sum whose ReLU kinks are counted."""
    accuracy = runs.accuracy_table()
    worst = runs.table.pivot_table(index="step", columns="max_sum", values="accuracy", aggfunc="min")
    worst = worst.loc[accuracy.index]
    table = accuracy.copy()
    table.columns = [f"sums < {c}" for c in accuracy.columns]
    for column, c in zip(table.columns, accuracy.columns, strict=True):
        table[column] = [f"{m:.2%} (worst {w:.2%})" for m, w in zip(accuracy[c], worst[c], strict=True)]
    relu_steps = [step for step in ("relu", "relu, biases from 1") if step in accuracy.index]
    kinks = pd.DataFrame(
        [
            {"step": step, "seed": seed, **inspection.relu_switches(runs.models[(step, bits, seed)], bits)}
            for step in relu_steps
            for seed in seeds
        ]
    )
    kinks = kinks.groupby("step")[["units", "on_everywhere", "switch_inside", "off_everywhere"]].sum()
    return Steps(accuracy, worst, kinks, table)


@dataclass
class Push:
    """How far sigmoid units go at the largest sums (``fixes.sigmoid_push``), per width."""

    summary: pd.DataFrame  #: by (hidden_units, stage): mean and worst-seed accuracy, worst error
    diagnostics: pd.DataFrame  #: by hidden_units: condition number, largest weight, float32 noise
    narrow: int
    wide: int

    def accuracy(self, width: int, stage: str) -> float:
        return float(self.summary.loc[(width, stage), "accuracy"])

    def diagnostic(self, column: str, width: int) -> float:
        return float(self.diagnostics[column][width])


def push_summary(push: dict[str, Any], widths: tuple[int, ...]) -> Push:
    table, diagnostics = push["table"], push["diagnostics"]
    summary = table.groupby(["hidden_units", "stage"], sort=False).agg(
        accuracy=("accuracy", "mean"), worst_seed=("accuracy", "min"), worst_error=("worst_error", "max")
    )
    diagnostics = diagnostics.groupby("hidden_units").agg(
        condition=("condition", "median"), max_weight=("max_weight", "mean"), float32_noise=("float32_noise", "mean")
    )
    return Push(summary, diagnostics, min(widths), max(widths))


# --------------------------------------------------------------------------- 8. beyond the range


def extrapolation_models(runs: Any, push: dict[str, Any], bits: tuple[int, ...], widths: tuple[int, ...], seed: int):
    """Every step's network of one seed, and the pushed sigmoid networks, keyed ``(label, bits)``."""
    models = {(step, b): runs.models[(step, b, seed)] for step in runs.accuracy_table().index for b in bits}
    for width in widths:
        models[(f"sigmoid {width}, exact readout", max(bits))] = push["models"][(f"sigmoid {width}", max(bits), seed)]
    return models


@dataclass
class Beyond:
    """``inspection.extrapolation``'s table and the numbers the chapter quotes from it."""

    table: pd.DataFrame
    near: str  #: the column of the smallest factor ("up to 2x")
    far: str  #: the column of the largest factor ("up to 10x")
    linear_far: float  #: the linear unit's worst accuracy over the maximum sums, far out
    others_far: float  #: the best any other network gets far out
    best_other: str  #: which network that is
    relu_near: float  #: "relu, biases from 1": worst over the maximum sums, near
    relu_far: float
    sigmoid_far: float  #: the best any sigmoid network gets far out


def beyond_summary(table: pd.DataFrame) -> Beyond:
    factors = [c for c in table.columns if c.startswith("up to")]
    near, far = factors[0], factors[-1]
    linear = table.network == "linear unit"
    relu1 = table[table.network == "relu, biases from 1"]
    sigmoids = table.network.str.contains("sigmoid|original|scaled", regex=True) & ~table.network.str.startswith("relu")
    others = table[~linear]
    best = others.loc[others[far].idxmax()]
    return Beyond(
        table=table,
        near=near,
        far=far,
        linear_far=float(table[linear][far].min()),
        others_far=float(best[far]),
        best_other=str(best.network),
        relu_near=float(relu1[near].min()),
        relu_far=float(relu1[far].min()),
        sigmoid_far=float(table[sigmoids][far].max()),
    )


# --------------------------------------------------------------------------- 9. binary digits


def readout_numbers(readout: pd.DataFrame) -> dict[str, float]:
    """From ``binary_readout.binary_readout_table``: the digits the networks asked for got right."""
    digit_columns = [c for c in readout.columns if c.startswith("digit")]
    asked = readout[readout["asked for digits"]]
    not_asked = readout[~readout["asked for digits"]]
    shallow, deep = asked.iloc[0], asked.iloc[1]
    return {
        "shallow_top": float(shallow[digit_columns[-1]]),
        "shallow_low": float(shallow[digit_columns[0]]),
        "deep_lowest": float(min(deep[digit_columns])),
        "deep_decoded": float(deep["sum read from the code"]),
        "unasked_best": float(not_asked[digit_columns[:-1]].to_numpy().max()),
    }
